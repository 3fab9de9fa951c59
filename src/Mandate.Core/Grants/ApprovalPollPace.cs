using Mandate.Core.Approvals;
using Mandate.Core.Decisions;
using Mandate.Core.Protocol;

namespace Mandate.Core.Grants;

/// <summary>
/// The pace of polls of a pending approval. A poll at least the approval's interval after the last one answered
/// <c>authorization_pending</c> is recorded and answered so; a sooner one gets <c>slow_down</c>, and the broker raises the
/// interval it requires from then on, so an agent that ignores <c>slow_down</c> is held to it. Of two polls judged on the
/// same last poll, the store records one (a conditional update); the other is answered <c>slow_down</c>.
/// </summary>
internal static class ApprovalPollPace
{
    /// <summary>Null when the poll of the pending <paramref name="approval"/> was recorded at <paramref name="now"/>; else the slow_down answer.</summary>
    public static async Task<OAuthError?> SlowDownAsync(IApprovalStore store, Approval approval, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var interval = approval.PollIntervalSeconds ?? ApprovalRequests.PollInterval;
        if ((approval.LastPolledAt is not { } last || now - last >= TimeSpan.FromSeconds(interval))
            && await store.TryTouchApprovalAsync(approval.Id, approval.LastPolledAt, now, cancellationToken))
        {
            return null;
        }

        // CIBA §11 (as RFC 8628 §3.5): on slow_down "the interval MUST be increased by at least 5 seconds for this and all subsequent requests".
        var required = Math.Max(interval, Math.Min(interval + ApprovalRequests.SlowDownIncrement, ApprovalRequests.MaxPollInterval));
        await store.RaisePollIntervalAsync(approval.Id, required, cancellationToken);
        return ApprovalChecks.SlowDown.Refuse(
            $"approval '{approval.Id}' was polled sooner than {interval} seconds after its last authorization_pending answer; " +
            $"poll at most every {required} seconds from now on (CIBA §11: each slow_down adds 5 seconds, up to {ApprovalRequests.MaxPollInterval})");
    }
}
