namespace Mandate.Core.Spiffe;

/// <summary>Audit kinds written by the SPIFFE issuer and the workload endpoint.</summary>
public static class SpiffeAuditKinds
{
    /// <summary>The workload endpoint issued an SVID (outcome <c>issued</c>) or refused a caller (outcome <c>refused</c>).</summary>
    public const string Svid = "svid";

    /// <summary>A registration entry was created or deleted.</summary>
    public const string RegistrationEntry = "registration_entry";
}
