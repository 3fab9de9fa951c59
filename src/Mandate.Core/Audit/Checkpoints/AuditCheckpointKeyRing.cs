using Mandate.Core.Cluster;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;

namespace Mandate.Core.Audit.Checkpoints;

/// <summary>
/// The key ring of audit checkpoints (profile <see cref="KeyProfiles.AuditCheckpoint"/>): its own ES256 key per node,
/// never the token key, so no credential validator (which reads only <see cref="SigningKeyRing"/>) accepts what it signs.
/// </summary>
public sealed class AuditCheckpointKeyRing : KeyRing
{
    public AuditCheckpointKeyRing(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time, IClusterLocks? locks = null)
        : base(KeyProfiles.AuditCheckpoint(options), store, kek, options?.Node ?? throw new ArgumentNullException(nameof(options)), time, locks)
    {
    }
}
