/**
 * Publishing from the app (issue 6 §3–4): sign and revoke tags (the confirmation shows the exact
 * digest), manage signers (removal shows first which tags lose their only signer), rotate non-root
 * keys, the delegate onboarding wizard, and the pending-changes panel with the exact metadata diff
 * before one publish.
 */
import { useState } from 'react';
import type { RepositoryOverview } from '../../../../shared/view-model';
import { PendingPanel } from './PendingPanel';
import { InitPanel } from './InitPanel';
import { TagActions } from './TagActions';
import { SignerManagement } from './SignerManagement';
import { Rotation } from './Rotation';
import { OnboardingWizard } from './OnboardingWizard';
import './publish.css';

export function PublishView({ overview }: { overview: RepositoryOverview }) {
  const name = overview.gun;
  const [sentKey, setSentKey] = useState<{ signer: string; pem: string } | undefined>();
  return (
    <div className="publish">
      <PendingPanel name={name} />
      {!overview.hasTrustData && <InitPanel name={name} />}
      <TagActions name={name} tags={overview.tags} />
      <SignerManagement
        key={sentKey ? `${sentKey.signer}-${sentKey.pem.length}` : 'signers'}
        name={name}
        overview={overview}
        {...(sentKey ? { initialKey: sentKey } : {})}
      />
      <Rotation name={name} />
      <OnboardingWizard name={name} onKey={setSentKey} />
    </div>
  );
}
