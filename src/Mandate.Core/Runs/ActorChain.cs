using System.Text.Json;

namespace Mandate.Core.Runs;

/// <summary>
/// RFC 8693 §4.1 <c>act</c> claims: the current actor outermost, earlier actors nested inside. Mandate
/// keeps the chain as a list, root agent first.
/// </summary>
public static class ActorChain
{
    /// <summary>The nested claim value for <paramref name="actors"/> (root first, current last).</summary>
    public static Dictionary<string, object> ToClaim(IReadOnlyList<string> actors)
    {
        ArgumentNullException.ThrowIfNull(actors);
        if (actors.Count == 0)
        {
            throw new ArgumentException("an actor chain has at least one actor", nameof(actors));
        }

        Dictionary<string, object>? claim = null;
        foreach (var actor in actors)
        {
            var next = new Dictionary<string, object> { ["sub"] = actor };
            if (claim is not null)
            {
                next["act"] = claim;
            }

            claim = next;
        }

        return claim!;
    }

    /// <summary>Writes the <c>act</c> member for <paramref name="actors"/>, the same value <see cref="ToClaim"/> builds, without building it.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<string> actors)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(actors);
        if (actors.Count == 0)
        {
            throw new ArgumentException("an actor chain has at least one actor", nameof(actors));
        }

        Write(writer, actors, actors.Count - 1);
    }

    private static void Write(Utf8JsonWriter writer, IReadOnlyList<string> actors, int index)
    {
        writer.WriteStartObject("act");
        writer.WriteString("sub", actors[index]);
        if (index > 0)
        {
            Write(writer, actors, index - 1);
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads a nested <c>act</c> claim back into a list, root first; null when malformed or deeper than <paramref name="maxDepth"/>.</summary>
    public static IReadOnlyList<string>? FromClaim(JsonElement act, int maxDepth = 16)
    {
        var actors = new List<string>();
        var current = act;
        while (current.ValueKind == JsonValueKind.Object)
        {
            if (actors.Count == maxDepth || !current.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            actors.Add(sub.GetString()!);
            if (!current.TryGetProperty("act", out current))
            {
                actors.Reverse();
                return actors;
            }
        }

        return null;
    }
}
