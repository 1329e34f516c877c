import { writeFileSync } from 'node:fs';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { waitAllReady } from '../../emulator/cluster/swarm.ts';
const script = `for p in info nodes containers/json networks; do echo "@@ $p"; curl -s -m 5 --unix-socket /var/run/docker.sock "http://docker/$p"; echo; done`;
const files = await localVmFiles();
const cluster = await Cluster.restore({ nodes: defaultNodes, files, start: 'swarm' });
const m = cluster.node('manager');
await waitAllReady(m, 3);
console.log(await m.exec('docker network create -d overlay --opt encrypted --attachable secnet && docker service create --quiet --name web --replicas 2 --constraint node.role==worker --network secnet nginx', { timeoutMs: 300000 }));
await m.exec('docker run -d --name solo busybox sleep 1000', { timeoutMs: 120000 });
for (const name of ['manager', 'worker1']) {
  const n = cluster.node(name);
  for (let i = 0; i < 3; i++) {
    const r = await n.exec(script);
    console.log(name, 'ms', r.ms, 'bytes', r.stdout.length, r.stderr);
    writeFileSync(`test/tmp/survey-${name}.txt`, r.stdout);
  }
}
await cluster.stop();
process.exit(0);
