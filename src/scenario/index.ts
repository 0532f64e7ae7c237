// The scenario runner: one scenario file, run on pidsim (any transport) or on
// the real kernel, observations compared. `pidsim run` is runScenarioCli.

export { runScenarioCli, RUN_COMMAND } from './run-command.js';
export type { CliIo } from './run-command.js';
export { loadScenario, loadScenarioDir, parseScenario, ScenarioError } from './scenario-loader.js';
export { scenarioSchema, STEP_OPS } from './scenario-schema.js';
export { ITEM_STATUSES, catalogueItemIds, cataloguePath, parseCatalogue } from './semantics-catalogue.js';
export type { CatalogueItem, ItemStatus } from './semantics-catalogue.js';
export type { Observation, Scenario, Step, StepOp } from './scenario-schema.js';
export { runScenario } from './scenario-runner.js';
export type { RunStatus, ScenarioRun, StepRecord } from './scenario-runner.js';
export { BackendUnavailableError, ScenarioRunError } from './scenario-backend.js';
export type { BackendFactory, ProcIdentity, ScenarioBackend, Syscall } from './scenario-backend.js';
export { pidsimBackend, PidsimBackend } from './pidsim-backend.js';
export type { KernelFactory, PidsimBackendOptions, PidsimSetup } from './pidsim-backend.js';
export { linuxBackend, LinuxBackend } from './linux-backend.js';
export { linuxAvailability, buildHelper } from './linux-helper-build.js';
export type { LinuxAvailability } from './linux-helper-build.js';
export { compareRuns } from './run-comparison.js';
export type { Difference } from './run-comparison.js';
export { loadDeviations, parseDeviations } from './deviation-list.js';
export type { Deviation } from './deviation-list.js';
export { matchesExpectation, renderObservation, sameObservation } from './observation.js';
export { renderJsonLines, renderTable, verdict } from './scenario-report.js';
export { VARIANT_PROBES, UnknownKernelBehaviourError, describeHost, fingerprint, hostFingerprint, hostKernel } from './kernel-fingerprint.js';
export type { Fingerprint, HostFingerprint, VariantProbe } from './kernel-fingerprint.js';
