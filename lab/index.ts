/** Public API of the TrustDesk test lab (real notary-server, notary-signer, registry and CLIs). */
export { makeTlsMaterial, type TlsMaterial } from './tls.js';
export {
  startLab,
  startNotaryServer,
  startNotarySigner,
  startRegistry,
  type Lab,
  type LabOptions,
  type NotaryServerOptions,
  type RunningServer,
  type ServerOptions,
} from './servers.js';
export { LAB_PASSPHRASE, NO_DOCKER_HOST, labEnv, writeDockerConfig } from './client-config.js';
export { livePids, pidExists } from './process.js';
export { httpsRequest, type HttpsRequest, type HttpsResponse } from './https.js';
export { buildImage, sha256, tarFiles, MEDIA_TYPES, type BuiltImage, type ManifestFormat, type Blob } from './image.js';
export { pushImage, type PushedImage, type PushOptions, type RegistryTarget } from './push-image.js';
export { fetchManifest, listTags, MANIFEST_ACCEPT } from './registry-read.js';
export { CliError, docker, dockerTrust, notary, runCommand, type CliOptions, type CliResult, type CliTarget } from './cli.js';
export {
  gunFor,
  mapPool,
  pushTag,
  repoFor,
  saveManifest,
  TagLedger,
  unpushedManifest,
  type ManifestFile,
  type ScenarioDescriptor,
  type ScenarioLab,
  type TagExpectation,
  type Verdict,
} from './scenario-kit.js';
export { ensureSigner, type Signer } from './signers.js';
export {
  buildAllScenarios,
  buildApp,
  buildEmpty,
  buildFleet,
  buildRotated,
  buildSplit,
  buildTeam,
  buildTeamBefore,
  signerKeyIds,
  type AllScenarios,
  type FleetOptions,
  type ScenarioOptions,
  type SplitScenario,
  type TeamOptions,
} from './scenarios.js';
