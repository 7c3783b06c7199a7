import type { SnsMessageAttribute } from './sns-service';

/** A message attribute as the query protocol carries it: binary values in base64. */
export interface WireMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export function fromWireAttributes(
  attributes: Record<string, WireMessageAttribute> | undefined,
): Record<string, SnsMessageAttribute> {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, { DataType, StringValue, BinaryValue }]) => [
      name,
      {
        DataType,
        ...(StringValue !== undefined ? { StringValue } : {}),
        ...(BinaryValue !== undefined ? { BinaryValue: Buffer.from(BinaryValue, 'base64') } : {}),
      },
    ]),
  );
}
