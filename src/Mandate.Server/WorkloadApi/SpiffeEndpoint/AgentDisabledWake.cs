using Mandate.Core.Revocation;

namespace Mandate.Server.WorkloadApi.SpiffeEndpoint;

/// <summary>
/// Wakes an open <c>FetchX509SVID</c> stream when any agent is disabled (kill switch), by this node or heard from another,
/// so the stream checks its caller's entitlement at once rather than at its next renewal, and a disabled agent's stream
/// ends with <c>PermissionDenied</c> (Workload API §5.1.1: the client then ceases using its SVIDs). Kill switches are
/// rare, so waking every stream for any agent costs one attestation each (a stream still entitled re-sends its SVID).
/// </summary>
internal sealed class AgentDisabledWake : IDisposable
{
    private readonly RevocationList _revocations;
    private CancellationTokenSource _armed = new();

    public AgentDisabledWake(RevocationList revocations)
    {
        _revocations = revocations;
        _revocations.Added += OnAdded;
    }

    /// <summary>
    /// The token the next wait ends on. Arm before checking entitlement: a switch after the check cancels this token, and
    /// one before it is seen by the check.
    /// </summary>
    public CancellationToken Arm()
    {
        var next = new CancellationTokenSource();
        Interlocked.Exchange(ref _armed, next).Dispose();
        return next.Token;
    }

    public void Dispose()
    {
        _revocations.Added -= OnAdded;
        Volatile.Read(ref _armed).Dispose();
    }

    private void OnAdded(object? sender, Revocation revocation)
    {
        if (revocation is { Target: RevocationTarget.Agent, LiftedAt: null })
        {
            // Off the revoking thread: the woken stream attests and records, which must not run inside RevocationList.Add.
            ThreadPool.QueueUserWorkItem(static armed => Cancel(armed), Volatile.Read(ref _armed), preferLocal: false);
        }
    }

    private static void Cancel(CancellationTokenSource armed)
    {
        try
        {
            armed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Re-armed or ended since: the wait it belonged to is over, and the next check sees the switch.
        }
    }
}
