namespace Mandate.Policy.Expressions;

/// <summary>A node of the parsed expression; <see cref="Offset"/> is where it starts in the source.</summary>
internal abstract record CelNode(int Offset);

/// <summary>A literal: long, double, string, bool or null.</summary>
internal sealed record CelLiteral(int Offset, object? Value) : CelNode(Offset);

internal sealed record CelIdent(int Offset, string Name) : CelNode(Offset);

/// <summary><c>operand.field</c>; <see cref="TestOnly"/> when it is the argument of <c>has()</c>.</summary>
internal sealed record CelSelect(int Offset, CelNode Operand, string Field, bool TestOnly = false) : CelNode(Offset);

internal sealed record CelIndex(int Offset, CelNode Operand, CelNode Index) : CelNode(Offset);

/// <summary>A function call <c>f(args)</c> or a method call <c>target.f(args)</c>.</summary>
internal sealed record CelCall(int Offset, CelNode? Target, string Function, IReadOnlyList<CelNode> Args) : CelNode(Offset)
{
    /// <summary>Set by the checker for calls whose pattern argument is a literal, so the regex is compiled once.</summary>
    public System.Text.RegularExpressions.Regex? CompiledPattern { get; set; }
}

/// <summary>A macro over a list or map: <c>target.exists(x, p)</c>, <c>all</c>, <c>exists_one</c>, <c>filter</c>, <c>map</c>.</summary>
internal sealed record CelComprehension(int Offset, CelNode Range, string Macro, string Variable, CelNode Body) : CelNode(Offset);

internal sealed record CelUnary(int Offset, CelTokenKind Operator, CelNode Operand) : CelNode(Offset);

internal sealed record CelBinary(int Offset, CelTokenKind Operator, CelNode Left, CelNode Right) : CelNode(Offset);

internal sealed record CelConditional(int Offset, CelNode Condition, CelNode Then, CelNode Else) : CelNode(Offset);

internal sealed record CelListLiteral(int Offset, IReadOnlyList<CelNode> Items) : CelNode(Offset);

internal sealed record CelMapLiteral(int Offset, IReadOnlyList<KeyValuePair<CelNode, CelNode>> Entries) : CelNode(Offset);
