/**
 * Lab TLS material: one EC P-256 CA, a server certificate for loopback (and any extra names) and a
 * client certificate (notary-server -> notary-signer), all made with `openssl`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Paths of the PEM files written by {@link makeTlsMaterial}. */
export interface TlsMaterial {
  dir: string;
  caKey: string;
  caCert: string;
  serverKey: string;
  serverCert: string;
  /** Server certificate followed by the CA certificate (what the servers serve). */
  serverChain: string;
  clientKey: string;
  clientCert: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileP('openssl', args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

async function ecKey(path: string, cwd: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path], cwd);
}

/** Issues a leaf certificate signed by the CA with the given X.509 v3 extensions. */
async function issue(name: string, cn: string, ext: string, m: TlsMaterial): Promise<void> {
  const cwd = m.dir;
  await ecKey(`${name}.key`, cwd);
  await openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`], cwd);
  await writeFile(join(cwd, `${name}.ext`), ext);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      randomSerial(),
      '-days',
      '30',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    cwd,
  );
}

/** A random positive 127-bit serial number in openssl's hex syntax. */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x10;
  return '0x' + b.toString('hex');
}

/** Options of {@link makeTlsMaterial}. */
export interface TlsOptions {
  /**
   * More DNS names for the server certificate, besides localhost / 127.0.0.1 / ::1 (e.g. names that
   * a test's private /etc/hosts maps to 127.0.0.1, to reach the servers through a proxy).
   */
  extraNames?: string[];
}

/** Creates the CA, the server certificate (+ chain file) and the client certificate in `dir`. */
export async function makeTlsMaterial(dir: string, opts: TlsOptions = {}): Promise<TlsMaterial> {
  for (const n of opts.extraNames ?? []) {
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(n)) throw new Error(`makeTlsMaterial: not a DNS name: ${n}`);
  }
  const extraSans = (opts.extraNames ?? []).map((n) => `,DNS:${n}`).join('');
  await mkdir(dir, { recursive: true });
  const m: TlsMaterial = {
    dir,
    caKey: join(dir, 'ca.key'),
    caCert: join(dir, 'ca.crt'),
    serverKey: join(dir, 'server.key'),
    serverCert: join(dir, 'server.crt'),
    serverChain: join(dir, 'server-chain.crt'),
    clientKey: join(dir, 'client.key'),
    clientCert: join(dir, 'client.crt'),
  };
  await ecKey('ca.key', dir);
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      '30',
      '-subj',
      '/CN=TrustDesk Lab CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  await Promise.all([
    issue(
      'server',
      'localhost',
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' +
        `extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1${extraSans}\n`,
      m,
    ),
    issue('client', 'notary-server', 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n', m),
  ]);
  const [leaf, ca] = await Promise.all([readFile(m.serverCert, 'utf8'), readFile(m.caCert, 'utf8')]);
  await writeFile(m.serverChain, leaf + ca);
  return m;
}
