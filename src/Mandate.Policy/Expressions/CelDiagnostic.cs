namespace Mandate.Policy.Expressions;

/// <summary>
/// A parse or type error found when an expression is compiled (at policy load time). <see cref="Line"/> and
/// <see cref="Column"/> are 1-based and relative to the expression text; the policy loader maps them to the file.
/// </summary>
/// <param name="Offset">0-based character offset in the expression.</param>
/// <param name="Line">1-based line within the expression.</param>
/// <param name="Column">1-based column within that line.</param>
/// <param name="Message">What is wrong and what to write instead.</param>
public sealed record CelDiagnostic(int Offset, int Line, int Column, string Message)
{
    internal static CelDiagnostic At(string source, int offset, string message)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new CelDiagnostic(offset, line, offset - lineStart + 1, message);
    }

    public override string ToString() => $"{Line}:{Column}: {Message}";
}
