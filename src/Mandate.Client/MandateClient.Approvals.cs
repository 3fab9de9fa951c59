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
    /// expired unanswered (also without asking once its <c>expires_in</c> has passed), and any other refusal as is.
    /// </summary>
    /// <param name="pending">From <see cref="MandateApprovalPendingException.Pending"/>.</param>
    /// <param name="actorToken">The agent's workload identity (JWT-SVID) that asked; only it may collect.</param>
    /// <param name="cancellationToken">Stops waiting; the approval stays open at the broker.</param>
    public async Task<IssuedCredential> PollApprovalAsync(ApprovalPending pending, string actorToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentException.ThrowIfNullOrEmpty(actorToken);
        var interval = pending.Interval > TimeSpan.Zero ? pending.Interval : SlowDownIncrement;
        var deadline = pending.ExpiresIn > TimeSpan.Zero ? _time.GetUtcNow() + pending.ExpiresIn : (DateTimeOffset?)null;
        while (true)
        {
            await Task.Delay(interval, _time, cancellationToken);
            if (_time.GetUtcNow() > deadline)
            {
                // The broker would answer expired_token; no need to ask it past the approval's lifetime.
                throw new MandateErrorException("expired_token", $"approval '{pending.AuthReqId}' expired unanswered; make a new token request", 0);
            }

            try
            {
                return await PostPollAsync(pending.AuthReqId, actorToken, cancellationToken);
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

    private async Task<IssuedCredential> PostPollAsync(string authReqId, string actorToken, CancellationToken cancellationToken)
    {
        // CIBA §10.1 token request; the actor_token proves the poller is the agent that asked.
        using var response = await _http.PostAsync(
            "oauth2/token",
            new FormUrlEncodedContent(
            [
                new("grant_type", CibaGrantType),
                new("auth_req_id", authReqId),
                new("actor_token", actorToken),
                new("actor_token_type", JwtTokenType),
            ]),
            cancellationToken);
        using var json = await ReadAsync(response, cancellationToken);
        return ReadCredential(json.RootElement);
    }
}
