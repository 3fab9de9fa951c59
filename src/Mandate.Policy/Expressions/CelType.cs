// CA1720: these members are CEL's own type names (int, double, string), which policy authors write.
#pragma warning disable CA1720

namespace Mandate.Policy.Expressions;

/// <summary>The kinds of values expressions work with.</summary>
public enum CelKind
{
    /// <summary>Unknown until evaluation (e.g. a claim value); checked at run time.</summary>
    Dyn,
    Null,
    Bool,
    Int,
    Double,
    String,
    Timestamp,
    Duration,
    List,
    Map,

    /// <summary>A record with a fixed set of typed fields (e.g. <c>user</c>); unknown fields are load-time errors.</summary>
    Object,
}

/// <summary>
/// A static type for the checker. Lists have an element type; maps have string keys and a value type;
/// objects have named, typed fields. Run time represents maps and objects alike as string-keyed dictionaries.
/// </summary>
public sealed class CelType
{
    public static readonly CelType Dyn = new(CelKind.Dyn, "dyn");
    public static readonly CelType Null = new(CelKind.Null, "null");
    public static readonly CelType Bool = new(CelKind.Bool, "bool");
    public static readonly CelType Int = new(CelKind.Int, "int");
    public static readonly CelType Double = new(CelKind.Double, "double");
    public static readonly CelType String = new(CelKind.String, "string");
    public static readonly CelType Timestamp = new(CelKind.Timestamp, "timestamp");
    public static readonly CelType Duration = new(CelKind.Duration, "duration");

    private CelType(CelKind kind, string name, CelType? element = null, IReadOnlyDictionary<string, CelType>? fields = null)
    {
        Kind = kind;
        Name = name;
        Element = element;
        Fields = fields;
    }

    public CelKind Kind { get; }

    /// <summary>How the type is written in messages, e.g. <c>list(string)</c>.</summary>
    public string Name { get; }

    /// <summary>Element type of a list, or value type of a map.</summary>
    public CelType? Element { get; }

    /// <summary>Fields of an object type.</summary>
    public IReadOnlyDictionary<string, CelType>? Fields { get; }

    public static CelType ListOf(CelType element) => new(CelKind.List, $"list({element.Name})", element);

    public static CelType MapOf(CelType value) => new(CelKind.Map, $"map(string, {value.Name})", value);

    public static CelType ObjectOf(string name, IReadOnlyDictionary<string, CelType> fields) => new(CelKind.Object, name, fields: fields);

    public bool IsNumber => Kind is CelKind.Int or CelKind.Double;

    public override string ToString() => Name;
}
