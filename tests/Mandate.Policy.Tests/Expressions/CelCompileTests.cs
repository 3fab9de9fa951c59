using Mandate.Policy.Expressions;

namespace Mandate.Policy.Tests.Expressions;

public sealed class CelCompileTests
{
    [Theory]
    [InlineData("n > ", 1, 5, "ends too early")]
    [InlineData("n = 1", 1, 3, "compare with '=='")]
    [InlineData("user.id == 'a", 1, 12, "not closed")]
    [InlineData("(n > 1", 1, 7, "')'")]
    [InlineData("n > 1\n  && xs.exists(x)", 2, 9, "exists() takes a variable name")]
    [InlineData("has(n)", 1, 1, "has() takes one field selection")]
    [InlineData("n > 1 1", 1, 7, "after a complete expression")]
    [InlineData("'\\q'", 1, 2, "unknown escape")]
    [InlineData("99999999999999999999 > n", 1, 1, "does not fit")]
    [InlineData("9223372036854775808 > n", 1, 1, "does not fit")]
    public void Syntax_errors_report_line_and_column(string source, int line, int column, string message)
    {
        var (program, problems) = CelProgram.Compile(source, CelTestContext.Environment);

        Assert.Null(program);
        var problem = Assert.Single(problems);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("usr.id == 'a'", 1, 1, "unknown name 'usr'")]
    [InlineData("user.tier == 'gold'", 1, 6, "'user' has no field 'tier'")]
    [InlineData("n == 'seven'", 1, 3, "comparing int with string")]
    [InlineData("n < 'a'", 1, 3, "cannot order int and string")]
    [InlineData("n && true", 1, 1, "left side of '&&' must be a bool")]
    [InlineData("name + 1 == 'x'", 1, 6, "'+' cannot combine string and int")]
    [InlineData("name.startsWith(1)", 1, 17, "needs string")]
    [InlineData("frobnicate(n)", 1, 1, "unknown function 'frobnicate'")]
    [InlineData("name.matches('(')", 1, 14, "invalid regular expression")]
    [InlineData("now > timestamp('yesterday')", 1, 17, "not an RFC 3339 timestamp")]
    [InlineData("duration('5 minutes') > duration('1m')", 1, 10, "not a duration")]
    [InlineData("'x' in n", 1, 8, "'in' needs a list or map")]
    [InlineData("n + 1", 1, 1, "must be a bool")]
    [InlineData("now > timestamp('10000-01-01T00:00:00Z')", 1, 17, "years 0001-9999")]
    [InlineData("duration('320000000000s') > duration('1m')", 1, 10, "within ±292 years")]
    [InlineData("duration('118446744073709551616h') > duration('1m')", 1, 10, "within ±292 years")]
    [InlineData("duration('99999999999999999999999999h') > duration('1m')", 1, 10, "within ±292 years")]
    public void Type_errors_report_line_and_column(string source, int line, int column, string message)
    {
        var (program, problems) = CelProgram.Compile(source, CelTestContext.Environment);

        Assert.Null(program);
        Assert.Contains(problems, p => p.Line == line && p.Column == column && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_type_error_is_reported()
    {
        var (_, problems) = CelProgram.Compile("usr.id == 'a' && user.tier == 1 && frob()", CelTestContext.Environment);

        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_stack_overflow()
    {
        var deep = new string('(', 5000) + "true" + new string(')', 5000);
        var chain = string.Join(" + ", Enumerable.Repeat("1", 3000)) + " > 0";
        var negations = new string('!', 5000) + "true";

        foreach (var source in new[] { deep, chain, negations })
        {
            var (program, problems) = CelProgram.Compile(source, CelTestContext.Environment);
            Assert.Null(program);
            Assert.NotEmpty(problems);
        }
    }

    [Fact]
    public void Macro_variables_are_scoped_to_the_macro()
    {
        var (program, problems) = CelProgram.Compile("xs.exists(x, x > 1) && x > 1", CelTestContext.Environment);

        Assert.Null(program);
        Assert.Contains(problems, p => p.Message.Contains("unknown name 'x'", StringComparison.Ordinal));
    }
}
