/**
 * The mlp app's experiment: app params (and, for task 'csv', the uploaded data) → the CLI config (params.ts
 * mlpAppConfig) → the validated config (config.ts) → data, job and grid, through the same run.ts functions the CLI
 * uses, so the app and `lazyrich simulate` train the same networks in the same order. Pure apart from the data build.
 */
import { ConfigError } from '../../../cli/validate.ts';
import { ParamError, type Params } from '../../../params/schema.ts';
import { parseMlpConfig, type MlpConfig } from '../config.ts';
import type { MlpJob } from '../cpu.ts';
import type { MlpDataset } from '../data.ts';
import { mlpAppConfig, type MlpExplicitData, type MlpSchema } from '../params.ts';
import { buildMlpData, buildMlpJob, emptyMlpEntries, type MlpNetworkOutput } from '../run.ts';
import type { MlpGrid } from './stats.ts';

/** The app's params object. */
export type MlpAppParams = Params<MlpSchema>;

/** Everything the app runs: the CLI config (for the JSON export), the validated config, data, job, grid, output skeleton. */
export interface MlpExperiment {
  params: MlpAppParams;
  config: Record<string, unknown>;
  cfg: MlpConfig;
  data: MlpDataset;
  job: MlpJob;
  grid: MlpGrid;
  skeleton: MlpNetworkOutput[];
}

/** The schema field a config path comes from (for a ParamError's field). */
function fieldOfPath(path: string): string {
  const table: [string, string][] = [
    ['config.probe', 'probe'], ['config.batchSize', 'batchSize'], ['config.steps', 'steps'], ['config.checkpoints', 'checkpoints'],
    ['config.optimizer.lr', 'lr'], ['config.optimizer', 'optimizer'], ['config.init.grid.alpha', 'alphas'], ['config.init.grid.tau', 'taus'],
    ['config.init.grid.trainSizes', 'trainSizes'], ['config.init.grid', 'seeds'], ['config.data.rhm.test', 'testSize'],
    ['config.data.rhm.train', 'trainSizes'], ['config.data.modular', 'modulus'], ['config.layers', 'width'], ['config.data', 'task'],
  ];
  return table.find(([p]) => path.startsWith(p))?.[1] ?? 'task';
}

/**
 * Builds the experiment of `p`.
 * @throws ParamError naming the field: a config the CLI would refuse (the message keeps the JSON path), task 'csv'
 *   without an upload, a batch size above the smallest training set (the GPU trainer holds b rows per network).
 */
export function buildMlpExperiment(p: MlpAppParams, upload?: MlpExplicitData): MlpExperiment {
  const config = mlpAppConfig(p, p.task === 'csv' ? upload : undefined);
  let cfg: MlpConfig;
  try {
    cfg = parseMlpConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new ParamError(fieldOfPath(e.path), `${MLP_FIELD_HINT[fieldOfPath(e.path)] ?? ''}${e.message}`);
    throw e;
  }
  const minTrain = Math.min(...cfg.networks.map((n) => n.trainSize));
  if (cfg.batchSize !== null && cfg.batchSize > minTrain) {
    throw new ParamError('batchSize', `batch size (batchSize) = ${cfg.batchSize} exceeds the smallest training set (${minTrain} rows); use 0 (full batch) or at most ${minTrain}`);
  }
  const data = buildMlpData(cfg);
  const job = buildMlpJob(cfg, data);
  const grid: MlpGrid = {
    taus: [...p.taus], alphas: [...p.alphas], sizes: p.task === 'rhm' ? [...p.trainSizes] : [cfg.trainRows],
    seeds: Array.from({ length: p.seeds }, (_, k) => p.seed + k),
  };
  return { params: p, config, cfg, data, job, grid, skeleton: emptyMlpEntries(cfg.networks) };
}

/** A prefix naming the app's control for config paths whose field is not obvious. */
const MLP_FIELD_HINT: Record<string, string> = { task: 'data (task): ', width: 'network (width, hidden): ' };

/** The result document of the checkpoints recorded so far, in the CLI's shape, with the config that reproduces it. */
export function mlpResultJson(e: MlpExperiment, header: Record<string, unknown>, networks: MlpNetworkOutput[], recorded: number): Record<string, unknown> {
  return {
    ...header, checkpoints: e.cfg.checkpoints.slice(0, recorded), complete: recorded === e.cfg.checkpoints.length,
    networks, config: { ...e.config, backend: header.backend },
  };
}
