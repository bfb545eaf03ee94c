/**
 * `npm run screenshots`: README screenshots from a real n8n editor.
 *
 * Starts the same setup as `npm run dev` (simulator, n8n with the packed package, credentials,
 * the example workflows), drives the editor in Debian's headless chromium through playwright-core
 * (no browser download), and writes PNGs to docs/screenshots/: each example workflow, and the
 * settings panel of each Concur node, and a Concur Trigger newly added through the nodes panel.
 * Needs `apt-get install -y chromium` (CHROMIUM_PATH overrides /usr/bin/chromium); says so and
 * exits when the browser is missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, type Page } from 'playwright-core';

import { startSimulator } from '../test/simulator';
import { buildAndPack, ensureN8nHost, N8N_V2, REPO_ROOT, startN8n } from './lib/n8n';
import { createSimulatorCredentials, importExamples } from './lib/playground';

const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Which node panels to capture: example file prefix, node name, output file. */
const NODE_PANELS: Array<{ example: string; node: string; file: string }> = [
	{ example: '01-', node: 'Concur Trigger', file: 'node-concur-trigger-ess.png' },
	{ example: '02-', node: 'Concur Callout', file: 'node-concur-trigger-callout.png' },
	{ example: '02-', node: 'Poll Pending Validation', file: 'node-concur-polling-trigger.png' },
	{ example: '01-', node: 'Get Report', file: 'node-concur-get-report.png' },
	{ example: '02-', node: 'Add Over-Limit Exception', file: 'node-concur-add-exceptions.png' },
	{ example: '02-', node: 'Send Back', file: 'node-concur-send-back.png' },
	{ example: '01-', node: 'Get Owner', file: 'node-concur-get-user.png' },
	{ example: '05-', node: 'Sync Concur List', file: 'node-concur-list-item-sync.png' },
];

/** A Concur Trigger newly added to an empty workflow, as the editor sets it up. */
const NEW_TRIGGER_FILE = 'node-concur-trigger-new.png';

async function settle(page: Page, ms = 1500): Promise<void> {
	await page.waitForLoadState('networkidle').catch(() => undefined);
	await page.waitForTimeout(ms);
}

async function openWorkflow(page: Page, baseUrl: string, id: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await settle(page);
	// Close whatever the editor pops up on first visit (tours, banners).
	await page.keyboard.press('Escape');
	// "Zoom to fit" shortcut of the canvas.
	await page.locator('[data-test-id="canvas-node"]').first().hover();
	await page.mouse.move(5, 300);
	await page.keyboard.press('1');
	await settle(page, 800);
}

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function main(): Promise<void> {
	// Checked first: without a browser, starting n8n would be a minute wasted.
	if (!fs.existsSync(CHROMIUM_PATH)) {
		console.error(
			`npm run screenshots drives a real browser and found none at ${CHROMIUM_PATH}.\n` +
				'Install Chromium (not installed by default): sudo apt-get install -y chromium   (Debian/Ubuntu)\n' +
				'or point CHROMIUM_PATH at a Chromium or Chrome binary. playwright-core (a devDependency) downloads no browser.',
		);
		process.exit(1);
	}
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const workDir = path.join(REPO_ROOT, '.dev', 'screenshots');
	fs.rmSync(workDir, { recursive: true, force: true });
	const [tarball, host] = await Promise.all([buildAndPack(path.join(workDir, 'pack')), ensureN8nHost(N8N_V2)]);
	const sim = await startSimulator({ port: 0 });
	const n8n = await startN8n({ host, tarball, userFolder: path.join(workDir, 'n8n') });
	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_FLAGS,
	});
	try {
		const credentials = await createSimulatorCredentials(n8n, sim);
		const examples = await importExamples(n8n, credentials, { chatWebhookUrl: 'https://chat.example.com/hooks/concur' });
		const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
		const page = await context.newPage();

		await page.goto(`${n8n.baseUrl}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(n8n.email);
		await page.locator('input[type="password"]').first().fill(n8n.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		await settle(page);

		for (const example of examples) {
			await openWorkflow(page, n8n.baseUrl, example.id);
			const file = `example-${example.file.replace(/\.json$/, '')}.png`;
			await page.screenshot({ path: path.join(OUT_DIR, file) });
			console.log(`saved docs/screenshots/${file}`);
		}

		for (const panel of NODE_PANELS) {
			const example = examples.find((candidate) => candidate.file.startsWith(panel.example));
			if (!example) continue;
			await openWorkflow(page, n8n.baseUrl, example.id);
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${panel.node}"]`).dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor({ timeout: 30_000 });
			await settle(page, 1000);
			await page.screenshot({ path: path.join(OUT_DIR, panel.file) });
			console.log(`saved docs/screenshots/${panel.file}`);
			await page.keyboard.press('Escape');
		}

		// What a user sees first: a Concur Trigger newly added to an empty workflow through the
		// nodes panel (the credentials above exist, as in the playground).
		await page.goto(`${n8n.baseUrl}/workflow/new`);
		await settle(page, 2000);
		await page.keyboard.press('Escape');
		await page.locator('[data-test-id="canvas-add-button"]').first().click();
		await page.locator('[data-test-id="node-creator-search-bar"], [data-test-id="search-bar"] input').first().waitFor({ timeout: 30_000 });
		await page.keyboard.type('Concur Trigger');
		await settle(page, 1000);
		// The nodes panel lists the trigger as "Concur"; its one trigger is "On new Concur event".
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Concur$/ }).first().click();
		await settle(page, 1500); // let the panel finish sliding in
		await page.getByText('On new Concur event', { exact: true }).first().click();
		await page.locator('[data-test-id="ndv"]').waitFor({ timeout: 30_000 });
		await settle(page, 1500);
		await page.screenshot({ path: path.join(OUT_DIR, NEW_TRIGGER_FILE) });
		console.log(`saved docs/screenshots/${NEW_TRIGGER_FILE}`);
	} finally {
		await browser.close();
		await n8n.stop();
		await sim.close();
		fs.rmSync(path.join(workDir, 'n8n'), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
