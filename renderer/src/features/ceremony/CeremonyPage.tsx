/**
 * The Ceremony view (issue 8): three wizards and the ceremony log, over the ceremony:* channels.
 *  - Root backup: export the encrypted key (and m-of-n shares) to a removable path, then the restore
 *    drill; only a passed drill marks the key backed up.
 *  - Root rotation: pre-flight and the request bundle; later the signed bundle is imported,
 *    simulated as fresh and old clients, published and re-verified, and the rollback plan written.
 *  - Air-gapped signing (works in offline mode): open a bundle, see exactly what is signed, sign.
 * Passphrases and PINs are sent with the one request that needs them and cleared afterwards.
 */
import { useState } from 'react';
import { Tabs } from '../../components/Tabs';
import { BackupWizard } from './BackupWizard';
import { RotationWizard } from './RotationWizard';
import { SigningWizard } from './SigningWizard';
import { LogPanel } from './LogPanel';
import './ceremony.css';

const WIZARDS = ['backup', 'rotation', 'signing', 'log'] as const;
const WIZARD_LABEL: Record<(typeof WIZARDS)[number], string> = {
  backup: 'Root backup',
  rotation: 'Root rotation',
  signing: 'Air-gapped signing',
  log: 'Ceremony log',
};

export function CeremonyPage() {
  const [wizard, setWizard] = useState<(typeof WIZARDS)[number]>('backup');
  return (
    <div className="ceremony">
      <h1>Key ceremonies</h1>
      <Tabs tabs={WIZARDS} labels={WIZARD_LABEL} selected={wizard} onSelect={setWizard} label="Ceremony" className="cer-tabs">
        {wizard === 'backup' && <BackupWizard />}
        {wizard === 'rotation' && <RotationWizard />}
        {wizard === 'signing' && <SigningWizard />}
        {wizard === 'log' && <LogPanel />}
      </Tabs>
    </div>
  );
}
