using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

public sealed class ContactsAndSearchTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adding_a_contact_twice_is_fine_and_alias_edit_and_remove_work()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var friend = await RegisterAsync(client);

        using var added = await client.SendAsync(Authorized(HttpMethod.Post, "api/contacts", me.Auth.AccessToken, new { userId = friend.Id, alias = "Bestie" }), Ct);
        using var again = await client.SendAsync(Authorized(HttpMethod.Post, "api/contacts", me.Auth.AccessToken, new { userId = friend.Id }), Ct);
        using var renamed = await client.SendAsync(Authorized(HttpMethod.Patch, $"api/contacts/{friend.Id}", me.Auth.AccessToken, new { alias = "Pal" }), Ct);
        var list = await ListAsync(client, me, "");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("Bestie", (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("alias").GetString());
        Assert.Equal("Pal", (await renamed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("alias").GetString());
        using var single = await client.SendAsync(Authorized(HttpMethod.Get, $"api/contacts/{friend.Id}", me.Auth.AccessToken), Ct);
        Assert.Equal("Pal", (await single.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("alias").GetString());
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(friend.Id, item.GetProperty("user").GetProperty("id").GetGuid());

        using var removed = await client.SendAsync(Authorized(HttpMethod.Delete, $"api/contacts/{friend.Id}", me.Auth.AccessToken), Ct);
        using var removedAgain = await client.SendAsync(Authorized(HttpMethod.Delete, $"api/contacts/{friend.Id}", me.Auth.AccessToken), Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Authorized(HttpMethod.Get, $"api/contacts/{friend.Id}", me.Auth.AccessToken), Ct)).StatusCode);
        Assert.Empty((await ListAsync(client, me, "")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("self")]
    [InlineData("unknown")]
    [InlineData("empty")]
    public async Task Bad_contacts_are_refused(string kind)
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        object body = kind switch
        {
            "self" => new { userId = me.Id },
            "unknown" => new { userId = Guid.NewGuid() },
            _ => new { },
        };

        using var response = await client.SendAsync(Authorized(HttpMethod.Post, "api/contacts", me.Auth.AccessToken, body), Ct);

        Assert.Equal(kind == "unknown" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await ListAsync(client, me, "")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Contacts_page_with_a_cursor_and_search_by_alias()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var people = new List<TestAccount>();
        for (var i = 0; i < 5; i++)
        {
            var person = await RegisterAsync(client);
            people.Add(person);
            using var _ = await client.SendAsync(Authorized(HttpMethod.Post, "api/contacts", me.Auth.AccessToken, new { userId = person.Id, alias = i == 3 ? "Zebra" : null }), Ct);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await ListAsync(client, me, $"limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("user").GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(people.Select(p => p.Id).Reverse(), seen);
        var zebra = await ListAsync(client, me, "q=zeb");
        Assert.Equal(people[3].Id, Assert.Single(zebra.GetProperty("items").EnumerateArray()).GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Search_finds_by_username_or_name_substring_and_pages_without_repeats()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var tag = "q" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            await RegisterAsync(client, username: $"{tag}_{i}");
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await client.SendAsync(Authorized(HttpMethod.Get, $"api/users?q={tag.ToUpperInvariant()}&limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", me.Auth.AccessToken), Ct);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("username").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([$"{tag}_0", $"{tag}_1", $"{tag}_2"], seen);
        using var byName = await client.SendAsync(Authorized(HttpMethod.Get, $"api/users?q=test%20{tag}_1", me.Auth.AccessToken), Ct);
        Assert.Equal($"{tag}_1", Assert.Single((await byName.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray()).GetProperty("username").GetString());
    }

    [Theory]
    [InlineData("q=", HttpStatusCode.BadRequest)]
    [InlineData("q=a&limit=0", HttpStatusCode.BadRequest)]
    [InlineData("q=a&limit=101", HttpStatusCode.BadRequest)]
    [InlineData("q=a&cursor=%%%", HttpStatusCode.BadRequest)]
    [InlineData("q=100%25_", HttpStatusCode.OK)]
    public async Task Search_input_is_checked(string query, HttpStatusCode expected)
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);

        using var response = await client.SendAsync(Authorized(HttpMethod.Get, $"api/users?{query}", me.Auth.AccessToken), Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Last_seen_obeys_the_users_privacy_setting()
    {
        using var client = await ClientAsync(env);
        var target = await RegisterAsync(client);
        var friend = await RegisterAsync(client);
        var stranger = await RegisterAsync(client);
        using var _ = await client.SendAsync(Authorized(HttpMethod.Post, "api/contacts", target.Auth.AccessToken, new { userId = friend.Id }), Ct);

        async Task<JsonElement> PresenceFor(TestAccount viewer) =>
            (await (await client.SendAsync(Authorized(HttpMethod.Get, $"api/users/{target.Id}", viewer.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("presence");

        Assert.Equal(JsonValueKind.String, (await PresenceFor(stranger)).GetProperty("lastSeenAt").ValueKind);

        using var contactsOnly = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me/settings", target.Auth.AccessToken, new { lastSeenVisibility = "contacts" }), Ct);
        Assert.Equal(JsonValueKind.String, (await PresenceFor(friend)).GetProperty("lastSeenAt").ValueKind);
        var hidden = await PresenceFor(stranger);
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("lastSeenAt").ValueKind);
        Assert.Equal("recently", hidden.GetProperty("status").GetString());

        using var nobody = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me/settings", target.Auth.AccessToken, new { lastSeenVisibility = "nobody" }), Ct);
        Assert.Equal(JsonValueKind.Null, (await PresenceFor(friend)).GetProperty("lastSeenAt").ValueKind);
        Assert.Equal(JsonValueKind.String, (await PresenceFor(target)).GetProperty("lastSeenAt").ValueKind);
    }

    private static async Task<JsonElement> ListAsync(HttpClient client, TestAccount me, string query)
    {
        using var response = await client.SendAsync(Authorized(HttpMethod.Get, $"api/contacts?{query}", me.Auth.AccessToken), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
