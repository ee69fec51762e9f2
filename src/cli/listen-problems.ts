import type { Godwit } from '../app/godwit.ts';
import type { Role } from '../cluster/cluster-config.ts';
import { type Config, ConfigError } from '../shared/config.ts';

type ListenError = NodeJS.ErrnoException & { port?: number };

/**
 * `godwit.listen`, where a port in use or a host that is not this machine's stops the start with
 * one line naming the variable to change; any other failure is a bug and keeps its stack.
 */
export async function listenOrExplain(
  godwit: Godwit,
  options: { roles?: readonly Role[]; ops?: boolean },
): Promise<string> {
  try {
    return await godwit.listen(options);
  } catch (error) {
    const problem = listenProblem(error as ListenError, godwit.config);
    if (!problem) throw error;
    // Closing what did start is best effort: the message about the port is what the person needs.
    await godwit.close().catch(() => undefined);
    throw new ConfigError(problem);
  }
}

/** What the person starting Godwit should change, or undefined for an error they cannot fix. */
function listenProblem(error: ListenError, config: Config): string | undefined {
  // The inbound SMTP listener starts after the HTTP one, on its own port.
  const inbound =
    error.port !== undefined && error.port === config.GODWIT_INBOUND_SMTP_PORT && error.port !== config.PORT;
  const variable = inbound ? 'GODWIT_INBOUND_SMTP_PORT' : 'PORT';
  const port = error.port ?? config.PORT;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${variable}=${port}: the port is already in use on ${config.HOST} (another Godwit?); stop that program or set ${variable} to a free port`;
    case 'EACCES':
      return `${variable}=${port}: not allowed to listen on this port (below 1024 needs privileges); set ${variable} to another port`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${config.HOST}: no such host name; use an address of this machine, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`;
    case 'EADDRNOTAVAIL':
      return `HOST=${config.HOST}: not an address of this machine; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`;
    default:
      return undefined;
  }
}
