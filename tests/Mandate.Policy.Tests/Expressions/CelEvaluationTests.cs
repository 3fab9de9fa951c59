using Mandate.Policy.Expressions;
using static Mandate.Policy.Tests.Expressions.CelTestContext;

namespace Mandate.Policy.Tests.Expressions;

public sealed class CelEvaluationTests
{
    [Theory]
    [InlineData("1 + 2 * 3 == 7")]
    [InlineData("(1 + 2) * 3 == 9")]
    [InlineData("7 / 2 == 3 && 7 % 2 == 1")]
    [InlineData("1.5 + 1 == 2.5")]
    [InlineData("-n == -7")]
    [InlineData("0x10 == 16")]
    [InlineData("'a' + \"b\" == 'ab'")]
    [InlineData("user.claims.tier == 'gold'")]
    [InlineData("user.claims['level'] >= 3")]
    [InlineData("'eu' in user.claims.groups")]
    [InlineData("'tier' in user.claims")]
    [InlineData("!('admin' in user.claims.groups)")]
    [InlineData("request.authorization_details[0].amount == 80")]
    [InlineData("request.authorization_details.all(d, d.amount <= 100)")]
    [InlineData("request.authorization_details.exists(d, d.amount > 90)")]
    [InlineData("request.authorization_details.exists_one(d, d.amount > 90)")]
    [InlineData("request.authorization_details.map(d, d.amount).size() == 2")]
    [InlineData("request.authorization_details.filter(d, d.amount < 90).size() == 1")]
    [InlineData("size(request.scopes) == 1 && request.scopes[0].startsWith('refunds:')")]
    [InlineData("name.endsWith('-bot') && name.contains('port') && name.matches('^[a-z-]+$')")]
    [InlineData("has(user.claims.tier) && !has(user.claims.missing)")]
    [InlineData("n > 5 ? true : false")]
    [InlineData("[1, 2] + [3] == [1, 2, 3]")]
    [InlineData("{'a': 1}.a == 1")]
    [InlineData("now > timestamp('2026-01-01T00:00:00Z')")]
    [InlineData("now - timestamp('2026-01-05T09:00:00Z') == duration('30m')")]
    [InlineData("now.getHours() == 9 && now.getDayOfWeek() == 1 && now.getMonth() == 0 && now.getDate() == 5")]
    [InlineData("now.getHours('Europe/Paris') == 10")]
    [InlineData("duration('1h30m') > duration('90s')")]
    [InlineData("int('42') == 42 && double(1) == 1.0 && string(3) == '3'")]
    [InlineData("xs.all(x, x < 3)")]
    [InlineData("null == null")]
    [InlineData("'ÄB'.lowerAscii() == 'Äb'")]
    [InlineData("-9223372036854775808 < -9223372036854775807 && -9223372036854775808 == -9223372036854775807 - 1")]
    [InlineData("int(-9223372036854774784.0) == -9223372036854774784")]
    [InlineData("timestamp('2026-01-01T00:00:00Z') + duration('1ns') != timestamp('2026-01-01T00:00:00Z')")]
    [InlineData("timestamp('2026-01-01T00:00:00.000000001Z') - timestamp('2026-01-01T00:00:00Z') == duration('1ns')")]
    [InlineData("string(timestamp('2026-01-31T09:00:00.120Z')) == '2026-01-31T09:00:00.12Z'")]
    [InlineData("string(duration('1.5s')) == '1.5s' && string(duration('-1ns')) == '-0.000000001s'")]
    [InlineData("timestamp('2026-01-05T10:30:00+01:00') == now")]
    [InlineData("timestamp('9999-12-31T23:59:59.999999999Z') > timestamp('0001-01-01T00:00:00Z')")]
    public void Evaluates_true(string source)
    {
        var result = Run(source);
        Assert.True(result.IsTrue, $"{source} gave {CelValues.Format(result.Value)} {result.Error}");
    }

    [Theory]
    [InlineData("false && user.claims.missing == 1", false)]
    [InlineData("user.claims.missing == 1 && false", false)]
    [InlineData("true || user.claims.missing == 1", true)]
    [InlineData("user.claims.missing == 1 || true", true)]
    public void And_or_absorb_errors_as_CEL_does(string source, bool expected)
    {
        var result = Run(source);
        Assert.Null(result.Error);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("user.claims.missing == 'x'", "no such key 'missing'")]
    [InlineData("request.authorization_details[5].amount > 1", "out of range")]
    [InlineData("n / 0 == 1", "division by zero")]
    [InlineData("9223372036854775807 + n > 0", "overflowed")]
    [InlineData("user.claims.tier < 3", "cannot order")]
    [InlineData("int('x') == 1", "cannot convert")]
    [InlineData("int(-9223372036854775808.0) < 0", "cannot convert")]
    [InlineData("int(9223372036854775807.0) > 0", "cannot convert")]
    [InlineData("-(-9223372036854775808) > 0", "overflowed")]
    [InlineData("timestamp('9999-12-31T23:59:59.999999999Z') + duration('1ns') > now", "timestamp out of range")]
    [InlineData("timestamp('0001-01-01T00:00:00Z') - duration('1ns') < now", "timestamp out of range")]
    [InlineData("now - timestamp('0001-01-01T00:00:00Z') > duration('1s')", "duration out of range")]
    [InlineData("duration('9000000000s') + duration('9000000000s') > duration('1s')", "duration out of range")]
    [InlineData("-duration('-9223372036854775808ns') > duration('1s')", "duration out of range")]
    public void Runtime_failures_are_errors_not_exceptions(string source, string message)
    {
        var result = Run(source);
        Assert.True(result.IsError);
        Assert.Contains(message, result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_exists_over_big_lists_stops_at_the_step_budget()
    {
        var result = Run("xs.exists(a, xs.exists(b, a + b < 0))", listSize: 2000);

        Assert.True(result.IsError);
        Assert.True(result.Error!.IsLimit);
        Assert.Contains("exceeded 10000 steps", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_limit_error_is_not_absorbed_by_or()
    {
        var result = Run("xs.exists(a, xs.exists(b, a + b < 0)) || true", listSize: 2000);

        Assert.True(result.Error?.IsLimit);
    }

    [Fact]
    public void String_and_list_growth_is_bounded()
    {
        var limits = new CelLimits { MaxStringLength = 10, MaxListSize = 4 };
        Assert.True(Run("name + name == ''", limits).Error?.IsLimit);
        Assert.True(Run("xs + xs == []", limits).Error?.IsLimit);
    }

    [Fact]
    public void Missing_variable_at_run_time_is_an_error()
    {
        var program = Compile("n > 1");
        var result = program.Evaluate(new Dictionary<string, object?>());
        Assert.Contains("no value for 'n'", result.Error!.Message, StringComparison.Ordinal);
    }
}
