using System.Net;
using System.Net.Http.Json;
using DistaHilar.Core.Storage;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Npgsql;

namespace DistaHilar.Tests.Media;

/// <summary>The hourly cleanup, run through the host's admin API against real PostgreSQL and Azurite.</summary>
public sealed class MediaCleanupTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stale_uploads_and_media_of_messages_deleted_for_everyone_go_and_the_rest_stays()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var peer = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync(members: [peer]);
        await using var db = NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        var container = StorageClients.FromConnectionString(servers.AppSettings["AzureWebJobsStorage"]!).Blobs.GetBlobContainerClient("media");

        var stale = await MediaApi.UploadAsync(me, "file", "stale.txt", "text/plain", "stale"u8.ToArray());
        var fresh = await MediaApi.UploadAsync(me, "file", "fresh.txt", "text/plain", "fresh"u8.ToArray());
        var kept = await MediaApi.UploadAsync(me, "file", "kept.txt", "text/plain", "kept"u8.ToArray());
        var deleted = await MediaApi.UploadAsync(me, "image", "gone.png", "image/png", MediaApi.Png(40, 40));
        await MediaApi.ProcessedAsync(me, deleted);
        // Uploaded long ago and never attached; "kept" is as old but attached, so it stays.
        await ExecuteAsync(db, $"UPDATE media SET created_at = now() - interval '2 days', removable_after = now() - interval '1 day' WHERE id IN ('{stale}', '{kept}')");
        await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "kept", mediaIds = new[] { kept } });
        var gone = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "gone", text = "oops", mediaIds = new[] { deleted } })).GetProperty("id").GetGuid();
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{group}/messages/delete", new { messageIds = new[] { gone }, forEveryone = true });
        var keys = new Dictionary<Guid, string[]>();
        foreach (var id in new[] { stale, fresh, kept, deleted })
        {
            keys[id] = await KeysAsync(db, id);
        }

        Assert.Equal(2, keys[deleted].Length); // the image and its thumbnail

        using var run = await http.PostAsJsonAsync("admin/functions/MediaCleanup", new { input = "" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        await Eventually.True(async () => (await KeysAsync(db, stale)).Length == 0 && (await KeysAsync(db, deleted)).Length == 0, TimeSpan.FromSeconds(20), "the stale upload and the deleted message's image to go");
        foreach (var key in keys[stale].Concat(keys[deleted]))
        {
            await Eventually.True(async () => !(await container.GetBlobClient(key).ExistsAsync(Ct)).Value, TimeSpan.FromSeconds(10), $"blob {key} to be deleted");
        }

        foreach (var id in new[] { fresh, kept })
        {
            Assert.Equal(keys[id], await KeysAsync(db, id));
            Assert.True((await container.GetBlobClient(keys[id][0]).ExistsAsync(Ct)).Value);
        }

        await peer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/media/{kept}");
        await me.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{deleted}");
    }

    private static async Task<string[]> KeysAsync(NpgsqlDataSource db, Guid mediaId)
    {
        await using var command = db.CreateCommand($"SELECT storage_key, thumbnail_key FROM media WHERE id = '{mediaId}'");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        if (!await reader.ReadAsync(Ct))
        {
            return [];
        }

        return reader.IsDBNull(1) ? [reader.GetString(0)] : [reader.GetString(0), reader.GetString(1)];
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
