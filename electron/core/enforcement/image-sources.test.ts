import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolate, readListText, readSources, readYamlText } from './image-sources.js';

describe('image sources', () => {
  it('list file: one per line, comments and blank lines skipped, line numbers kept', () => {
    const r = readListText('# images\nnginx:1.25\n\n  reg.io/a/b@sha256:' + 'a'.repeat(64) + '  # pinned\n', 'images.txt');
    expect(r.images.map((i) => [i.image, i.location])).toEqual([
      ['nginx:1.25', 'images.txt:2'],
      ['reg.io/a/b@sha256:' + 'a'.repeat(64), 'images.txt:4'],
    ]);
  });

  it('Compose: services.*.image with variables; build-only services are skipped', () => {
    const yaml = `services:\n  web:\n    image: reg.io/app/web:\${TAG:-v1}\n  db:\n    image: "postgres"\n  local:\n    build: .\n  broken:\n    image: reg.io/x:\${MISSING}\n  none: {}\n`;
    const r = readYamlText(yaml, 'compose.yml', {});
    expect(r.images.map((i) => [i.image, i.location])).toEqual([
      ['reg.io/app/web:v1', 'compose.yml services.web'],
      ['postgres', 'compose.yml services.db'],
    ]);
    expect(r.problems.map((p) => p.location)).toEqual(['compose.yml services.broken', 'compose.yml services.none']);
    expect(r.problems[0]!.message).toMatch(/MISSING is not set/);
    expect(interpolate('a-$X-${Y}-$$', { X: '1', Y: '2' }).value).toBe('a-1-2-$');
  });

  it('Kubernetes: multi-document, initContainers, CronJob templates, Lists', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - {name: migrate, image: reg.io/app/migrate:v1}
      containers:
        - {name: api, image: reg.io/app/api:v2}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - {name: job, image: "reg.io/app/job"}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      ephemeralContainers: [{name: debug, image: busybox}]
---
`;
    const r = readYamlText(yaml, 'k8s.yaml');
    expect(r.problems).toEqual([]);
    expect(r.images.map((i) => [i.image, i.location])).toEqual([
      ['reg.io/app/migrate:v1', 'k8s.yaml#1 Deployment/api spec.template.spec.initContainers[0] (migrate)'],
      ['reg.io/app/api:v2', 'k8s.yaml#1 Deployment/api spec.template.spec.containers[0] (api)'],
      ['reg.io/app/job', 'k8s.yaml#2 CronJob/nightly spec.jobTemplate.spec.template.spec.containers[0] (job)'],
      ['busybox', 'k8s.yaml#3 Pod/p spec.ephemeralContainers[0] (debug)'],
    ]);
  });

  it('arguments: existing files are read, anything else is a reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-sources-'));
    writeFileSync(join(dir, 'list'), 'alpine\n');
    writeFileSync(join(dir, 'c.yaml'), 'services:\n  a:\n    image: redis\n');
    const r = await readSources([join(dir, 'list'), join(dir, 'c.yaml'), 'reg.io/x:1']);
    expect(r.images.map((i) => [i.image, i.kind])).toEqual([
      ['alpine', 'list'],
      ['redis', 'compose'],
      ['reg.io/x:1', 'argument'],
    ]);
  });
});
