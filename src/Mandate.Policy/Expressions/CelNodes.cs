namespace Mandate.Policy.Expressions;

/// <summary>Walks syntax trees without recursion, so measuring a hostile tree cannot overflow the stack.</summary>
internal static class CelNodes
{
    public static IEnumerable<CelNode> Children(CelNode node) => node switch
    {
        CelSelect s => [s.Operand],
        CelIndex i => [i.Operand, i.Index],
        CelCall c => c.Target is null ? c.Args : [c.Target, .. c.Args],
        CelComprehension m => [m.Range, m.Body],
        CelUnary u => [u.Operand],
        CelBinary b => [b.Left, b.Right],
        CelConditional c => [c.Condition, c.Then, c.Else],
        CelListLiteral l => l.Items,
        CelMapLiteral m => m.Entries.SelectMany(e => new[] { e.Key, e.Value }),
        _ => [],
    };

    public static int Depth(CelNode root)
    {
        var max = 0;
        var stack = new Stack<(CelNode Node, int Depth)>();
        stack.Push((root, 1));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            max = Math.Max(max, depth);
            foreach (var child in Children(node))
            {
                stack.Push((child, depth + 1));
            }
        }

        return max;
    }
}
