namespace Mandate.Server.Console;

/// <summary>What a console user may do; each role includes the ones before it.</summary>
internal enum ConsoleRole
{
    None = 0,

    /// <summary>Sees every page, changes nothing.</summary>
    Viewer = 1,

    /// <summary>Approves and denies pending approvals (within <c>console.approvers</c>).</summary>
    Approver = 2,

    /// <summary>Every change: approvals, the kill switch, revocations.</summary>
    Admin = 3,
}
