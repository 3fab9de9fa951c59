using Mandate.Core.Cluster;

namespace Mandate.Storage.Postgres;

/// <summary>
/// The LISTEN/NOTIFY channel the store notifies inside the committing transaction (so listeners hear a change
/// only once it is durable) and the change feed listens on. The payload is the topic's name.
/// </summary>
internal static class PostgresChannels
{
    public const string Changes = "mandate_changes";

    public static string Payload(ChangeTopic topic) => topic switch
    {
        ChangeTopic.Revocations => "revocations",
        ChangeTopic.Keys => "keys",
        _ => throw new ArgumentOutOfRangeException(nameof(topic)),
    };

    public static ChangeTopic? Parse(string payload) => payload switch
    {
        "revocations" => ChangeTopic.Revocations,
        "keys" => ChangeTopic.Keys,
        _ => null,
    };
}
