namespace Mandate.Client;

/// <summary>
/// A rule requires a human to approve this exact request: the broker's CIBA-style answer (OpenID CIBA §7.3)
/// to a token request. Poll with <see cref="MandateClient.PollApprovalAsync"/> until the human decides.
/// </summary>
/// <param name="AuthReqId">The id of the pending approval, sent back as <c>auth_req_id</c> when polling.</param>
/// <param name="Interval">The least time between two polls (CIBA §7.3 <c>interval</c>).</param>
/// <param name="ExpiresIn">How long the approval stays open, from when it was asked for (<c>expires_in</c>).</param>
/// <param name="Description">What waits for approval, for showing to a person (the binding message and rule).</param>
public sealed record ApprovalPending(string AuthReqId, TimeSpan Interval, TimeSpan ExpiresIn, string Description);
