package io.healthbridge.auth;

import java.net.URI;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;

/**
 * OAuth 2.0 JWT bearer assertion (RFC 7523): signs a short-lived JWT (RS256, Nimbus JOSE) with the app's private key
 * and trades it at the token endpoint for an access token, cached until shortly before it expires.
 */
public class JwtBearerAuth extends CachedTokenAuth {

    private String tokenUrl;
    private String clientId;
    private String issuer;
    private String subject;
    private String audience;
    private String privateKey;
    private String keyId;
    private String scope;

    @Override
    protected TokenSet fetch() {
        if (tokenUrl == null || privateKey == null || issuer == null) {
            throw new IllegalStateException("JwtBearerAuth needs tokenUrl, issuer and privateKey");
        }
        OAuthSettings s = new OAuthSettings("jwt-bearer", null, URI.create(tokenUrl), null,
                clientId == null ? issuer : clientId, null, List.of(), false, "standard", " ", List.of());
        return new OAuthClient(Clock.systemUTC()).grant(s, new JWTBearerGrant(assertion()), scope);
    }

    SignedJWT assertion() {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject == null ? issuer : subject)
                .audience(audience == null ? tokenUrl : audience).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims);
        try {
            jwt.sign(new RSASSASigner(rsaKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the JWT assertion: " + e.getMessage(), e);
        }
        return jwt;
    }

    private RSAPrivateKey rsaKey() {
        String pem = privateKey.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            // never include the key material
            throw new IllegalStateException("privateKey is not a PKCS#8 RSA key in PEM");
        }
    }

    public void setTokenUrl(String tokenUrl) {
        this.tokenUrl = tokenUrl;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    public void setKeyId(String keyId) {
        this.keyId = keyId;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    @Override
    public String toString() {
        return "JwtBearerAuth[" + issuer + " " + tokenUrl + "]";
    }
}
