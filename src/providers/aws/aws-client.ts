import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * How to reach an AWS service when no client is injected. Leaving `endpoint` and `credentials`
 * out lets the SDK use its standard chain (AWS_ENDPOINT_URL_*, profiles, instance roles); tests
 * set both to point at the fakes.
 */
export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK-level attempts per call (default the SDK's, 3); Rewind's own retries come on top. */
  maxAttempts?: number;
}

export function rdsClientFrom(client: RDSClient | AwsClientOptions): RDSClient {
  if (client instanceof RDSClient) return client;
  return new RDSClient({
    region: client.region,
    endpoint: client.endpoint,
    credentials: client.credentials,
    maxAttempts: client.maxAttempts,
  });
}

export function secretsManagerClientFrom(client: SecretsManagerClient | AwsClientOptions): SecretsManagerClient {
  if (client instanceof SecretsManagerClient) return client;
  return new SecretsManagerClient({
    region: client.region,
    endpoint: client.endpoint,
    credentials: client.credentials,
    maxAttempts: client.maxAttempts,
  });
}
