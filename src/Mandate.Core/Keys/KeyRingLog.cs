using Mandate.SenderConstraint.Jose;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Keys;

/// <summary>Log messages of key rings.</summary>
internal static partial class KeyRingLog
{
    // Kids and node names of a refused row were written by whoever wrote the row: shown only when they cannot forge a log line.
    private const int LongestShown = 128;

    public static void StoredKeyRefused(ILogger logger, string purpose, string kid, string node) =>
        Refused(logger, purpose, Shown(kid), Shown(node));

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Stored {Purpose} key {Kid} (node {Node}) is neither published nor trusted: "
        + "its sealed private key does not open under this node's key-encryption key, or does not match the public key and kid beside it. "
        + "Either the store was written by someone without the key-encryption key, or a node runs with another key-encryption key")]
    private static partial void Refused(ILogger logger, string purpose, string kid, string node);

    private static string Shown(string value) =>
        value.Length <= LongestShown && IdentityText.IsAllowed(value) ? value : $"[{value.Length} characters not shown: too long or holding control characters]";
}
