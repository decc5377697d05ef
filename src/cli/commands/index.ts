/**
 * The subcommand registry: every `lazyrich` subcommand is listed here once ({@link COMMANDS}: simulate,
 * sweep, merge, devices); main.ts registers them all on the program.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { registerDevices } from './devices.ts';
import { registerSimulate } from './simulate.ts';
import { registerMerge, registerSweep } from './sweep.ts';

/** Registers one subcommand (its arguments, options and action) on the root program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

/** All subcommands, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [registerSimulate, registerSweep, registerMerge, registerDevices];
