import { resolveImage } from '../../resources/image.ts';
import type { Step } from '../context.ts';

export const image: Step = {
  id: 'image',
  title: 'image',
  async run({ svc, aws, dryRun, log, rows, state }) {
    const result = await resolveImage(aws, svc, { dryRun, repositoryName: svc.names.repository, repositoryUri: state.repositoryUri, log });
    state.image = result;
    const tag = result.tag ? ` ${result.tag}` : '';
    if (result.action === 'external') log(`    = using ${result.image}`);
    else if (result.action === 'already in the repository') log(`    = image${tag} is already in the repository: not pushed (${result.image})`);
    else if (result.action === 'would build') log(`    + would build and push ${result.tag ?? '(tag from the built image: the tree has uncommitted changes)'}`);
    if (svc.image.build) {
      rows.push({ resource: 'image', name: result.tag ?? '(would build)', outcome: dryRun ? result.action : result.action === 'built and pushed' ? 'pushed' : 'unchanged' });
    }
  },
};
