namespace Mandate.Core.Keys;

/// <summary>
/// What an on-demand rotation (<see cref="KeyRing.RotateNowAsync"/>) did to one purpose's keys on this node.
/// <see cref="Outcome"/> is <c>published</c> (a next key published, signing from <see cref="SignsFrom"/>),
/// <c>already_published</c> (a next key was already waiting: nothing changed), or <c>rotated</c> (a compromised
/// rotation: <see cref="Kid"/> signs now and every kid in <see cref="Distrusted"/> is neither published nor trusted).
/// </summary>
public sealed record KeyRotationResult(string Purpose, string Outcome, string Kid, DateTimeOffset SignsFrom, IReadOnlyList<string> Distrusted)
{
    public const string Published = "published";
    public const string AlreadyPublished = "already_published";
    public const string Rotated = "rotated";
}
