namespace Mandate.Server.WorkloadApi;

/// <summary>
/// The refusals of the workload socket, sent as the Problem Details member <c>check_id</c> (ids only: these
/// answers carry no OAuth error code). A store outage is <c>store.unavailable</c>, answered by the host.
/// </summary>
internal static class WorkloadChecks
{
    /// <summary>415 or 413: a JWT-SVID request whose body is not <c>application/json</c> or is larger than 8 KiB.</summary>
    public const string BodyInvalid = "workload.body_invalid";

    /// <summary>400: a JWT-SVID request without an audience (JWT-SVID spec §3).</summary>
    public const string AudienceMissing = "workload.audience_missing";

    /// <summary>400: an audience that is not a StringOrURI (RFC 7519 §2), e.g. with ':' but not a URI, or with control characters.</summary>
    public const string AudienceInvalid = "workload.audience_invalid";

    /// <summary>403: no registration entry matches the calling process.</summary>
    public const string NoEntry = "workload.no_entry";
}
