import type { Parameter } from './ssm-service';

/**
 * A parameter as GetParameter returns it. Without WithDecryption a SecureString comes back
 * encrypted, as on AWS, so a function that forgets to decrypt fails here too.
 */
export function toWireParameter(parameter: Parameter, withDecryption = false) {
  const encrypted = parameter.type === 'SecureString' && !withDecryption;
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: encrypted
      ? Buffer.from(`local-kms-ciphertext:${parameter.value}`).toString('base64')
      : parameter.value,
    Version: parameter.version,
    LastModifiedDate: parameter.lastModified.getTime() / 1000,
    ARN: parameter.arn,
    DataType: 'text',
  };
}
