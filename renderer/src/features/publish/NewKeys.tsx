import { KeyId } from '../../components/KeyId';

/** " New targets key abc…." for each key a publish or initialisation made. */
export function NewKeys({ keys }: { keys: { keyId: string; role: string }[] }) {
  return (
    <>
      {keys.map((k) => (
        <span key={k.keyId}>
          {' '}
          New {k.role} key <KeyId id={k.keyId} />.
        </span>
      ))}
    </>
  );
}
