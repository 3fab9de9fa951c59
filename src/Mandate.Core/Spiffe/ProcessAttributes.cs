namespace Mandate.Core.Spiffe;

/// <summary>
/// What the kernel and /proc say about a caller of the workload endpoint: peer credentials taken when it
/// connected, and the executable it runs. <see cref="UserName"/> comes from /etc/passwd when the uid is there.
/// </summary>
public sealed record ProcessAttributes(int Pid, uint Uid, uint Gid, string? ExecutablePath, string? ExecutableSha256)
{
    public string? UserName { get; init; }

    /// <summary>A one-line description for refusals and logs.</summary>
    public string Describe() => $"uid={Uid}, gid={Gid}, pid={Pid}, path={ExecutablePath ?? "unknown"}";
}
