namespace Mandate.Core.Minting;

/// <summary>Turns expression values (maps, lists, scalars) into the shapes the JWT library serializes.</summary>
internal static class ClaimValues
{
    public static object ToClaim(object? value) => value switch
    {
        null => "",
        IReadOnlyList<object?> list => list.Select(ToClaim).ToList(),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(e => e.Key, e => ToClaim(e.Value), StringComparer.Ordinal),
        _ => value,
    };
}
