/** The only external pages the app opens (in the system browser): https, on these hosts. */
export const EXTERNAL_HOSTS = ['docs.docker.com', 'github.com', 'notaryproject.dev', 'theupdateframework.io'] as const;

export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && (EXTERNAL_HOSTS as readonly string[]).includes(u.hostname)
  );
}
