using System.Reflection;
using System.Text.RegularExpressions;
using DistaHilar.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Tests.Unit;

/// <summary>
/// The Functions host matches HTTP routes in the order it registered them, first match wins, with none of ASP.NET
/// Core's precedence (azure-functions-host#9876): were <c>chats/{chatId}</c> registered before <c>chats/search</c>,
/// every search would be a "chat not found". Route ids carry no <c>:guid</c> constraint (see RouteInputMiddleware),
/// so every request path and method must match at most one function, whatever the order.
/// </summary>
public sealed partial class RouteAmbiguityTests
{
    [Fact]
    public void No_request_matches_two_functions()
    {
        var routes = Routes();
        var conflicts = new List<string>();
        foreach (var route in routes)
        {
            var path = SamplePath(route);
            foreach (var other in routes.Where(o => o != route && o.Methods.Overlaps(route.Methods) && o.Matches(path)))
            {
                conflicts.Add($"{string.Join(',', route.Methods.Intersect(other.Methods))} /{string.Join('/', path)} is meant for {route.Name} ({route.Template}) but {other.Name} ({other.Template}) matches it too");
            }
        }

        Assert.True(conflicts.Count == 0, string.Join("\n", conflicts));
    }

    [Fact]
    public void The_check_finds_a_literal_shadowed_by_a_parameter()
    {
        var search = Route.Parse("SearchChats", ["GET"], "chats/search");
        var get = Route.Parse("GetChat", ["GET"], "chats/{chatId}");
        var guarded = Route.Parse("GetChat", ["GET"], "chats/{chatId:regex(^(?!search$))}");

        Assert.True(get.Matches(["chats", "search"]));
        Assert.True(get.Matches(["chats", "not-a-guid"]));
        Assert.False(guarded.Matches(["chats", "SEARCH"]));
        Assert.True(guarded.Matches(["chats", "not-a-guid"]));
        Assert.False(search.Matches(["chats", Guid.NewGuid().ToString()]));
    }

    /// <summary>
    /// A request as a client means it: every parameter holds a real value (ids are GUIDs, invite codes and keys random
    /// tokens; a GUID is both). A literal path such as <c>chats/search</c> is its own sample.
    /// </summary>
    private static string[] SamplePath(Route route) =>
        route.Segments.Select(s => s.Parameter is null ? s.Literal! : Guid.NewGuid().ToString()).ToArray();

    internal static List<Route> Routes() =>
        typeof(AuthenticationMiddleware).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Name: m.GetCustomAttribute<FunctionAttribute>()?.Name, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Name is not null && f.Trigger is not null)
            .Select(f => Route.Parse(f.Name!, f.Trigger!.Methods!.Select(m => m.ToUpperInvariant()), f.Trigger.Route ?? f.Name!))
            .ToList();

    internal sealed record Segment(string? Literal, string? Parameter, Regex? Constraint);

    internal sealed partial record Route(string Name, HashSet<string> Methods, string Template, IReadOnlyList<Segment> Segments)
    {
        public static Route Parse(string name, IEnumerable<string> methods, string template) =>
            new(name, methods.ToHashSet(StringComparer.Ordinal), template, template.Split('/').Select(ParseSegment).ToList());

        /// <summary>Matching as ASP.NET routing does it: literals case-insensitively, regex constraints case-insensitively too.</summary>
        public bool Matches(IReadOnlyList<string> path) =>
            path.Count == Segments.Count && Segments.Zip(path).All(p => p.First.Parameter is null
                ? string.Equals(p.First.Literal, p.Second, StringComparison.OrdinalIgnoreCase)
                : p.Second.Length > 0 && (p.First.Constraint?.IsMatch(p.Second) ?? true));

        private static Segment ParseSegment(string segment)
        {
            if (!segment.StartsWith('{'))
            {
                return new Segment(segment, null, null);
            }

            var match = ParameterSegment().Match(segment);
            Assert.True(match.Success, $"Unsupported route segment {segment}: extend the test");
            var constraint = match.Groups["regex"].Success
                ? new Regex(match.Groups["regex"].Value, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                : null;
            return new Segment(null, match.Groups["name"].Value, constraint);
        }

        [GeneratedRegex(@"^\{(?<name>\w+)(:regex\((?<regex>.+)\))?\}$")]
        private static partial Regex ParameterSegment();
    }
}
