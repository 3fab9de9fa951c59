using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Credentials;
using Mandate.Core.Evidence;
using Mandate.Core.Keys;
using Mandate.Core.RateLimits;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;

namespace Mandate.Core;

/// <summary>
/// The whole store contract: the storage kernel (<see cref="IStorageKernel"/>: description, migrations, one
/// transaction per <see cref="StoreBatch"/>) and every aggregate's reads. SQLite is the embedded default and an
/// in-memory store the reference; both pass the same contract test suite. New code takes the narrow
/// interface of the aggregate it reads (and <see cref="IUnitOfWork"/> to write) rather than this one.
/// </summary>
public interface IMandateStore :
    IStorageKernel,
    IAuditLog,
    IRunStore,
    IRevocationStore,
    IKeyStore,
    IApprovalStore,
    IEvidenceStore,
    IRateCounterStore,
    ISecretStore,
    IRegistrationEntryStore,
    IDatabaseLeaseStore;
