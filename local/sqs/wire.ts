import { invalidParameterValue } from './errors';
import type { SqsMessageAttribute } from './md5';

/** A message attribute as the JSON protocol carries it: binary values in base64. */
export interface WireMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
  StringListValues?: string[];
  BinaryListValues?: string[];
}

export function fromWireAttributes(
  attributes: Record<string, WireMessageAttribute> | undefined,
): Record<string, SqsMessageAttribute> {
  const result: Record<string, SqsMessageAttribute> = {};
  for (const [
    name,
    { DataType, StringValue, BinaryValue, StringListValues, BinaryListValues },
  ] of Object.entries(attributes ?? {})) {
    if (StringListValues?.length || BinaryListValues?.length) {
      throw invalidParameterValue('StringListValues and BinaryListValues are not implemented');
    }
    result[name] = {
      DataType,
      ...(StringValue !== undefined ? { StringValue } : {}),
      ...(BinaryValue !== undefined ? { BinaryValue: Buffer.from(BinaryValue, 'base64') } : {}),
    };
  }
  return result;
}

export function toWireAttributes(
  attributes: Record<string, SqsMessageAttribute>,
): Record<string, WireMessageAttribute> {
  const result: Record<string, WireMessageAttribute> = {};
  for (const [name, { DataType, StringValue, BinaryValue }] of Object.entries(attributes)) {
    result[name] = {
      DataType,
      ...(StringValue !== undefined ? { StringValue } : {}),
      ...(BinaryValue !== undefined ? { BinaryValue: Buffer.from(BinaryValue).toString('base64') } : {}),
    };
  }
  return result;
}

/** Picks the names a ReceiveMessage asked for: `All`, `.*`, `prefix.*` or exact names. */
export function selectNames<T>(
  values: Record<string, T>,
  requested: readonly string[] | undefined,
): Record<string, T> {
  if (!requested || requested.length === 0) return {};
  const wanted = (name: string) =>
    requested.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
  return Object.fromEntries(Object.entries(values).filter(([name]) => wanted(name)));
}
