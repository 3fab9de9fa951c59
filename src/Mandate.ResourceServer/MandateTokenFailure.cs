namespace Mandate.ResourceServer;

/// <summary>
/// Why a request was refused: an RFC 6750 §3.1 error code (or RFC 9449 §7.1 <c>invalid_dpop_proof</c>), a
/// description that names the rule and the remedy (never the token), and the HTTP status.
/// </summary>
internal sealed class MandateTokenFailure : Exception
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidToken = "invalid_token";
    public const string InsufficientScope = "insufficient_scope";
    public const string InvalidDpopProof = "invalid_dpop_proof";
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    public MandateTokenFailure(string error, string description, int status = 401)
        : base($"{error}: {description}")
    {
        Error = error;
        Description = description;
        Status = status;
    }

    public MandateTokenFailure()
        : this(InvalidToken, "the credential was refused")
    {
    }

    public MandateTokenFailure(string message)
        : this(InvalidToken, message)
    {
    }

    public MandateTokenFailure(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = InvalidToken;
        Description = message;
        Status = 401;
    }

    public string Error { get; }

    public string Description { get; }

    public int Status { get; }

    /// <summary>RFC 6750 §3.1: the credential is expired, revoked, malformed, or not for this service.</summary>
    public static MandateTokenFailure Token(string description) => new(InvalidToken, description);

    /// <summary>RFC 6750 §3.1: the credential is for another tool (its audience is not <paramref name="audience"/>).</summary>
    public static MandateTokenFailure WrongAudience(string audience) =>
        Token($"the credential is for another tool; this service accepts audience '{audience}': ask the broker with resource={audience}");

    /// <summary>RFC 6750 §3.1: the request itself is malformed (400).</summary>
    public static MandateTokenFailure Request(string description) => new(InvalidRequest, description, 400);

    /// <summary>The broker could not be reached to get keys or confirm the credential: refuse, but say it is temporary (503).</summary>
    public static MandateTokenFailure Unavailable(string description) => new(TemporarilyUnavailable, description, 503);
}
