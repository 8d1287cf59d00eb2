import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes an InspIRCd 3 configuration for the benchmark: one client port on 127.0.0.1, no DNS
 * or ident look-ups, and its flood protection lifted (no fakelag, a command rate of 100,000
 * lines a second, large queues, 50,000 clones per IP) so that it is measured as a relay, the
 * way the Node servers are. Returns the path of the config file.
 */
export function writeInspircdConfig(dir: string, port: number): string {
  mkdirSync(dir, { recursive: true });
  const motd = join(dir, 'motd.txt');
  writeFileSync(motd, 'bench\n');
  const config = `<server name="bench.local" description="Parley benchmark baseline" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="${port}" type="clients">
<connect name="bench" allow="*" timeout="60" pingfreq="3600" maxchans="100"
         hardsendq="64M" softsendq="8M" recvq="8M" threshold="1000000" commandrate="100000000"
         fakelag="no" localmax="50000" globalmax="50000" limit="50000"
         resolvehostnames="no" useident="no" maxconnwarn="no">
<files motd="${motd}">
<channels users="100" opers="100">
<pid file="${join(dir, 'inspircd.pid')}">
<performance softlimit="50000" somaxconn="4096" netbuffersize="65536" quietbursts="yes">
<security hideserver="" userstats="Pu" maxtargets="20">
<limits maxnick="30" maxchan="60" maxquit="300" maxtopic="330">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(dir, 'ircd.log')}">
`;
  const path = join(dir, 'inspircd.conf');
  writeFileSync(path, config);
  return path;
}
