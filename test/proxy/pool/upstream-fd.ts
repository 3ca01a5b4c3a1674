/**
 * The file descriptor of this process's TCP socket with a given local port, found the way `ss`
 * does: the socket's inode in /proc/net/tcp, then the fd in /proc/self/fd linking to it. Lets a
 * test read back socket options (getsockopt) of a connection the pool opened, without any hook.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function fdOfLocalPort(port: number): number | undefined {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let inode: string | undefined;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(hex) && f[3] === '01') inode = f[9];
  }
  if (!inode) return undefined;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === `socket:[${inode}]`) return Number(fd);
    } catch {
      // closed meanwhile
    }
  }
  return undefined;
}
