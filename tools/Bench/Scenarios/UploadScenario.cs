using DistaHilar.Bench.Media;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// A 5 MiB upload of kind <c>file</c> (processing only sniffs its head, so the queue's work stays small), as one
/// measured operation: upload-direct is the direct path (POST api/media/uploads 201, PUT the bytes to the storage URL
/// with its headers 201, POST api/media/uploads/{id}/complete 202); upload-api is one multipart POST api/media (the
/// kind field, then the file part; 202), which the worker streams on to storage. Each worker uploads as its own user
/// (registered in setup). The bytes are random, so nothing on the way can compress them. After each level, unmeasured,
/// the bench waits for the level's processing jobs to drain and deletes the uploads' blobs: Azurite keeps them in
/// memory. The report adds MiB/s (uploads/s × 5 MiB).
/// </summary>
internal sealed class UploadScenario : IDatabaseScenario, IPayloadScenario, IScenarioNotes, ILevelSettling
{
    public const int Size = 5 * 1024 * 1024;

    private const string Kind = "file";
    private const string FileName = "report.bin";
    private const string ContentType = "application/octet-stream";

    private readonly bool direct;
    private readonly Dictionary<string, string> notes;
    private byte[] payload = [];
    private RegisteredUser[] users = [];
    private string database = "";
    private string storage = "";

    private UploadScenario(string name, bool direct)
    {
        Name = name;
        this.direct = direct;
        notes = new Dictionary<string, string>
        {
            ["goal"] = "none set for upload latency; peak worker RSS for comparison with the media goal (≤ 300 MiB while processing)",
            ["operation"] = direct
                ? "POST media/uploads (201) + PUT 5 MiB to the storage URL (Azurite, 201) + POST media/uploads/{id}/complete (202), kind file"
                : "POST media multipart/form-data: kind=file, then a 5 MiB file part (202), streamed through the DevHost and the worker to storage",
            ["payload"] = $"{Size:N0} random bytes per upload; MiB/s = successful uploads × 5 MiB / s",
        };
    }

    public static UploadScenario Direct { get; } = new("upload-direct", direct: true);

    public static UploadScenario Api { get; } = new("upload-api", direct: false);

    public string Name { get; }

    public long PayloadBytes => Size;

    public IReadOnlyDictionary<string, string> Notes => notes;

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        database = context.Database ?? throw new InvalidOperationException($"{Name} needs the stack the bench starts (run it without --url).");
        storage = context.Storage!;
        payload = new byte[Size];
        new Random(20261125).NextBytes(payload);
        users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_u", context.Workers, ct);
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        var token = users[workerIndex].AccessToken;
        if (!direct)
        {
            return await MediaBench.UploadThroughApiAsync(client, token, Kind, FileName, ContentType, payload, ct);
        }

        var (mediaId, stored) = await MediaBench.UploadUncompletedAsync(client, token, Kind, FileName, ContentType, payload, ct);
        return stored.IsSuccess ? await MediaBench.CompleteAsync(client, token, mediaId, ct) : stored;
    }

    public Task AfterLevelAsync(CancellationToken ct) => MediaBench.SettleAsync(database, storage, TimeSpan.FromSeconds(120), ct);
}
