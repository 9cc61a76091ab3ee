using DistaHilar.Core.Media;

namespace DistaHilar.Tests.Unit;

/// <summary>The signer against the worked examples of Cloudinary's "Generating authentication signatures" page (secret "abcd").</summary>
public sealed class CloudinarySignatureTests
{
    private static KeyValuePair<string, string?> P(string name, string? value) => new(name, value);

    [Fact]
    public void Reproduces_the_documented_example_with_a_public_id()
    {
        var parameters = new[] { P("timestamp", "1315060510"), P("public_id", "sample_image") };

        Assert.Equal("public_id=sample_image&timestamp=1315060510", CloudinarySignature.StringToSign(parameters));
        Assert.Equal("b4ad47fb4e25c7bf5f92a20089f9db59bc302313", CloudinarySignature.Sign(parameters, "abcd"));
    }

    [Fact]
    public void Reproduces_the_documented_example_with_eager_transformations()
    {
        var parameters = new[] { P("public_id", "sample_image"), P("timestamp", "1315060510"), P("eager", "w_400,h_300,c_pad|w_260,h_200,c_crop") };

        Assert.Equal("bfd09f95f331f558cbd1320e67aa8d488770583e", CloudinarySignature.Sign(parameters, "abcd"));
    }

    [Fact]
    public void Leaves_out_the_file_the_cloud_the_resource_type_the_api_key_and_empty_values()
    {
        var parameters = new[]
        {
            P("timestamp", "1315060510"), P("public_id", "sample_image"), P("file", "data:..."), P("cloud_name", "demo"),
            P("resource_type", "image"), P("api_key", "1234"), P("folder", ""), P("tags", null),
        };

        Assert.Equal("b4ad47fb4e25c7bf5f92a20089f9db59bc302313", CloudinarySignature.Sign(parameters, "abcd"));
    }

    [Fact]
    public void Signs_with_sha256_when_the_account_asks_for_it()
    {
        var parameters = new[] { P("timestamp", "1315060510"), P("public_id", "sample_image") };

        // sha256("public_id=sample_image&timestamp=1315060510abcd")
        Assert.Equal("e3c44b54e67a3ecc918f5d7236ca5faa36250ea8a8cd6cbabfd2d6bb2453acac", CloudinarySignature.Sign(parameters, "abcd", CloudinarySignatureAlgorithm.Sha256));
    }
}
