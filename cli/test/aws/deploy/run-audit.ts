import type { Credentials } from './creators';
import { cli, CliResult } from '../../commands/helpers';

/** Runs `cloudtrail-alarms <args>` in-process with the standard credential chain pointed at these credentials. */
export async function cliAs(credentials: Credentials | undefined, args: string[]): Promise<CliResult> {
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
  const saved = keys.map((k) => process.env[k]);
  if (credentials) {
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    if (credentials.sessionToken) process.env.AWS_SESSION_TOKEN = credentials.sessionToken;
    else delete process.env.AWS_SESSION_TOKEN;
  } else {
    for (const k of keys) delete process.env[k];
  }
  try {
    return await cli(args);
  } finally {
    keys.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
  }
}
