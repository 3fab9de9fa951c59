using Mandate.Core.Audit.Checkpoints;

namespace Mandate.Core.Audit.Retention;

/// <summary>
/// A store's whole audit chain as <c>mandate audit verify</c> and the console's chain status check it: from the first
/// record or, once records were archived, from the prune anchor, which must carry a valid signature of one of the
/// store's checkpoint keys. Without that check, records deleted from the start of the log behind a forged anchor would
/// verify as an archive.
/// </summary>
public static class AuditStoreVerifier
{
    public static async Task<AuditVerificationResult> VerifyAsync(IMandateStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var anchor = await store.ReadPruneAnchorAsync(cancellationToken);
        var start = anchor?.Tail ?? AuditTail.Genesis;
        var result = await AuditVerifier.VerifyAsync(store.ReadAuditAsync(new AuditQuery(), cancellationToken), start, null, cancellationToken);
        if (anchor is null || !result.IsValid)
        {
            return result;
        }

        return await anchor.CheckAsync(await AuditCheckpointKeys.FromStoreAsync(store, cancellationToken)) is { } problem
            ? AuditVerificationResult.Invalid(AuditProblemKind.AnchorNotSigned, anchor.Sequence, problem + "; nothing shows the records up to it were archived rather than deleted", 0, start) with { Start = start }
            : result;
    }
}
