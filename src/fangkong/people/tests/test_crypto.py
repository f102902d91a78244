"""The batch forms of encryption and lookup hashing give what the one-value forms give."""

from fangkong.people import crypto


def test_batch_hashes_equal_one_by_one_hashes_and_batch_ciphertexts_decrypt(settings):
    cipher = crypto.FieldCipher()
    values = ["420102199003071232", "13812345678", "", "王小明"]
    assert cipher.lookup_hashes("ric", values) == [crypto.lookup_hash("ric", v) for v in values]
    assert cipher.lookup_hashes("phone", values) != cipher.lookup_hashes("ric", values)
    tokens = cipher.encrypt_many(values)
    assert [crypto.decrypt(t) for t in tokens[:2]] + [cipher.decrypt(t) for t in tokens[2:]] == values
    assert len({t[:crypto.NONCE_BYTES] for t in tokens}) == len(values)  # a nonce of its own each


def test_a_batch_hash_changes_with_the_key(settings):
    before = crypto.FieldCipher().lookup_hashes("ric", ["420102199003071232"])
    settings.FIELD_ENCRYPTION_KEY = "another key for this test only"
    assert crypto.FieldCipher().lookup_hashes("ric", ["420102199003071232"]) != before
