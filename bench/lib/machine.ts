/** Describes the machine a figure came from (the README table names it). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
	nproc: number;
	cpuModel: string;
	memoryGiB: number;
	node: string;
	date: string;
	/** 1-minute load average when the section finished (other processes on a shared machine). */
	loadAverage1m?: number;
}

export function machineInfo(): MachineInfo {
	let nproc = os.cpus().length;
	try {
		nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
	} catch {
		// nproc missing: os.cpus() is close enough
	}
	let cpuModel = os.cpus()[0]?.model ?? 'unknown';
	try {
		const match = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
		if (match) cpuModel = match[1].trim();
	} catch {
		// not Linux
	}
	return {
		nproc,
		cpuModel,
		memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		date: new Date().toISOString(),
		loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
	};
}
