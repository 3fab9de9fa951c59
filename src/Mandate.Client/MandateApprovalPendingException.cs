namespace Mandate.Client;

/// <summary>
/// The broker answered <c>authorization_pending</c> with an <c>auth_req_id</c>: a rule requires a human to
/// approve. <see cref="Pending"/> carries what <see cref="MandateClient.PollApprovalAsync"/> needs to collect the
/// credential once approved.
/// </summary>
public sealed class MandateApprovalPendingException : MandateErrorException
{
    /// <summary>The approval to poll for.</summary>
    public MandateApprovalPendingException(ApprovalPending pending, int status, string? checkId)
        : base(AuthorizationPending, pending?.Description ?? "", status, checkId)
    {
        Pending = pending ?? throw new ArgumentNullException(nameof(pending));
    }

    /// <summary>Not used; an approval always has an id.</summary>
    public MandateApprovalPendingException()
        : this(new ApprovalPending("", TimeSpan.Zero, TimeSpan.Zero, ""), 0, null)
    {
    }

    /// <summary>Not used; an approval always has an id.</summary>
    public MandateApprovalPendingException(string message)
        : this(new ApprovalPending("", TimeSpan.Zero, TimeSpan.Zero, message ?? ""), 0, null)
    {
    }

    /// <summary>Not used; an approval always has an id.</summary>
    public MandateApprovalPendingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Pending = new ApprovalPending("", TimeSpan.Zero, TimeSpan.Zero, message ?? "");
    }

    /// <summary>The OpenID CIBA §11 error code of this answer.</summary>
    public const string AuthorizationPending = "authorization_pending";

    /// <summary>The pending approval: its id, the poll interval and how long it stays open.</summary>
    public ApprovalPending Pending { get; }
}
