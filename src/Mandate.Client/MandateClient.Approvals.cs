namespace Mandate.Client;

/// <summary>Collecting a credential that waits for a human's approval (OpenID CIBA poll mode, §7.3 and §11).</summary>
public sealed partial class MandateClient
{
    internal const string CibaGrantType = "urn:openid:params:grant-type:ciba";

    /// <summary>CIBA §11: on <c>slow_down</c> the interval grows by 5 seconds for this and all later polls.</summary>
    public static readonly TimeSpan SlowDownIncrement = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Polls the broker until the human decides on <paramref name="pending"/>, waiting its interval (on the client's
    /// <see cref="TimeProvider"/>) before each poll, and returns the credential once approved. <c>slow_down</c> adds
    /// 5 seconds to the interval (CIBA §11); <c>authorization_pending</c> keeps waiting. Throws
    /// <see cref="MandateErrorException"/> with <c>access_denied</c> when denied, <c>expired_token</c> when the approval
    /// expired unanswered (also without waiting when the next poll would come after its <c>expires_in</c>), and any other
    /// refusal as is. A client with a DPoP key polls with a proof by it (RFC 9449 §5).
    /// </summary>
    /// <param name="pending">From <see cref="MandateApprovalPendingException.Pending"/>.</param>
    /// <param name="actorToken">The agent's workload identity (JWT-SVID) that asked; only it may collect.</param>
    /// <param name="cancellationToken">Stops waiting; the approval stays open at the broker.</param>
    public async Task<IssuedCredential> PollApprovalAsync(ApprovalPending pending, string actorToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentException.ThrowIfNullOrEmpty(actorToken);
        var interval = pending.Interval > TimeSpan.Zero ? pending.Interval : SlowDownIncrement;
        var deadline = pending.ExpiresIn > TimeSpan.Zero ? _time.GetUtcNow() + pending.ExpiresIn : DateTimeOffset.MaxValue;
        while (true)
        {
            if (deadline - _time.GetUtcNow() < interval)
            {
                // The next poll would come after the approval expired: the broker would answer expired_token, so the
                // wait ends now instead of outliving the approval's expires_in.
                throw new MandateErrorException("expired_token", $"approval '{pending.AuthReqId}' expired unanswered; make a new token request", 0);
            }

            await WaitAsync(interval, cancellationToken);
            try
            {
                // CIBA §10.1 token request; the actor_token proves the poller is the agent that asked, and a DPoP
                // client's proof collects the credential bound to the key the request was made with (RFC 9449 §5).
                return await SendTokenRequestAsync(
                    CibaGrantType,
                    [new("auth_req_id", pending.AuthReqId), new("actor_token", actorToken), new("actor_token_type", JwtTokenType)],
                    exchange: false,
                    cancellationToken);
            }
            catch (MandateErrorException e) when (e.Error == MandateApprovalPendingException.AuthorizationPending)
            {
                // Still waiting for the human: poll again after the interval.
            }
            catch (MandateErrorException e) when (e.Error == "slow_down")
            {
                interval += SlowDownIncrement;
            }
        }
    }

    /// <summary>Waits on the client's clock, in steps a timer accepts, however long an interval the broker asked for.</summary>
    private async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var until = _time.GetUtcNow() + interval;
        for (var left = interval; left > TimeSpan.Zero; left = until - _time.GetUtcNow())
        {
            await Task.Delay(left < MaxTimerWait ? left : MaxTimerWait, _time, cancellationToken);
        }
    }

    /// <summary>Task.Delay refuses waits beyond about 49 days; a day at a time stays well within.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);
}
