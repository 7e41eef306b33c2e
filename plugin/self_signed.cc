#include "plugin/self_signed.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "kube/text_file.h"

namespace aksarc::plugin {
namespace {

constexpr long kCaDays = 3650;
constexpr long kServingDays = 365;
constexpr size_t kMaxPemBytes = 1 << 20;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

Error openssl_error(const std::string& what) {
  return Error{ErrorCode::kInternal, "cannot " + what + " (OpenSSL)"};
}

std::string pem_of(const X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return {};
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<Cert> parse_cert(const std::string& pem, const std::string& file) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return parse_error(file + ": not a PEM certificate");
  return cert;
}

Result<Key> parse_key(const std::string& pem, const std::string& file) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return parse_error(file + ": not a PEM private key");
  return key;
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
  bytes[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(bytes, sizeof bytes, nullptr);
  if (bn == nullptr) return false;
  ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  if (serial == nullptr) return false;
  bool ok = X509_set_serialNumber(cert, serial) == 1;
  ASN1_INTEGER_free(serial);
  return ok;
}

// A certificate for `key` named `cn`, signed by `issuer_key` (self-signed when issuer is null).
Result<Cert> issue(EVP_PKEY* key, const std::string& cn, long days, X509* issuer,
                   EVP_PKEY* issuer_key, bool ca, const std::string& dns_names) {
  Cert cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get())) {
    return openssl_error("create a certificate");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 86400);
  X509_set_pubkey(cert.get(), key);
  bool ok = add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    ok = ok && add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE") &&
         add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE") &&
         add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature") &&
         add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth") &&
         add_extension(cert.get(), signer, NID_subject_alt_name, dns_names.c_str()) &&
         add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid");
  }
  if (!ok) return openssl_error("add certificate extensions");
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return openssl_error("sign the certificate");
  }
  return cert;
}

std::string service_dns_names() {
  const std::string svc = kWebhookService, ns = kWebhookNamespace;
  return "DNS:" + svc + ",DNS:" + svc + "." + ns + ",DNS:" + svc + "." + ns + ".svc,DNS:" + svc +
         "." + ns + ".svc.cluster.local";
}

Status write_file(const std::string& path, const std::string& data, bool secret) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out.flush()) return io_error("cannot write " + path);
  }
  if (chmod(path.c_str(), secret ? 0600 : 0644) != 0) return io_error("cannot chmod " + path);
  return {};
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Result<std::string> read_pem(const std::string& path) {
  return kube::read_small_file(path, kMaxPemBytes);
}

// The CA from `dir` when it has one, else a new one (written to `dir` when set).
Status ca_of(const std::string& dir, Cert& ca, Key& ca_key, std::string& ca_pem) {
  const std::string crt = dir + "/ca.crt", key = dir + "/ca.key";
  if (!dir.empty() && exists(crt) && exists(key)) {
    Result<std::string> crt_pem = read_pem(crt), key_pem = read_pem(key);
    if (!crt_pem.ok()) return crt_pem.error();
    if (!key_pem.ok()) return key_pem.error();
    Result<Cert> c = parse_cert(crt_pem.value(), crt);
    if (!c.ok()) return c.error();
    Result<Key> k = parse_key(key_pem.value(), key);
    if (!k.ok()) return k.error();
    ca = std::move(c).value();
    ca_key = std::move(k).value();
    ca_pem = crt_pem.value();
    return {};
  }
  ca_key.reset(EVP_EC_gen("P-256"));
  if (!ca_key) return openssl_error("generate a P-256 key");
  Result<Cert> c = issue(ca_key.get(), std::string(kWebhookService) + "-ca", kCaDays, nullptr,
                         nullptr, true, "");
  if (!c.ok()) return c.error();
  ca = std::move(c).value();
  ca_pem = pem_of(ca.get());
  if (dir.empty()) return {};
  if (Status s = write_file(key, pem_of(ca_key.get()), true); !s.ok()) return s;
  return write_file(crt, ca_pem, false);
}

}  // namespace

Result<WebhookCertificates> load_or_create_certificates(const std::string& dir) {
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return io_error("cannot create " + dir + ": " + ec.message());
    const std::string crt = dir + "/tls.crt", key = dir + "/tls.key", ca = dir + "/ca.crt";
    if (exists(crt) && exists(key) && exists(ca)) {
      WebhookCertificates found;
      for (auto [path, out] :
           {std::pair{&ca, &found.ca_crt}, {&crt, &found.tls_crt}, {&key, &found.tls_key}}) {
        Result<std::string> pem = read_pem(*path);
        if (!pem.ok()) return pem.error();
        *out = pem.value();
      }
      if (Result<Cert> c = parse_cert(found.ca_crt, ca); !c.ok()) return c.error();
      if (Result<Cert> c = parse_cert(found.tls_crt, crt); !c.ok()) return c.error();
      if (Result<Key> k = parse_key(found.tls_key, key); !k.ok()) return k.error();
      return found;
    }
  }
  Cert ca;
  Key ca_key;
  WebhookCertificates made;
  if (Status s = ca_of(dir, ca, ca_key, made.ca_crt); !s.ok()) return s.error();
  Key key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("generate a P-256 key");
  Result<Cert> cert =
      issue(key.get(), std::string(kWebhookService) + "." + kWebhookNamespace + ".svc",
            kServingDays, ca.get(), ca_key.get(), false, service_dns_names());
  if (!cert.ok()) return cert.error();
  made.tls_crt = pem_of(cert.value().get());
  made.tls_key = pem_of(key.get());
  if (made.tls_crt.empty() || made.tls_key.empty()) return openssl_error("write PEM");
  if (!dir.empty()) {
    if (Status s = write_file(dir + "/tls.key", made.tls_key, true); !s.ok()) return s.error();
    if (Status s = write_file(dir + "/tls.crt", made.tls_crt, false); !s.ok()) return s.error();
  }
  return made;
}

}  // namespace aksarc::plugin
